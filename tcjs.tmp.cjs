const t0 = performance.now(); require('./dist/cli/x.cjs'); console.error('cjs', (performance.now()-t0).toFixed(1));
