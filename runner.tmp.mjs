import { spawnSync } from 'node:child_process';
const cmds = JSON.parse(process.argv[2]); const rounds = Number(process.argv[3] ?? 25);
const t = cmds.map(() => []);
for (let r = 0; r < rounds; r++) cmds.forEach((c, i) => { const s = process.hrtime.bigint(); spawnSync(c[0], c.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] }); t[i].push(Number(process.hrtime.bigint() - s) / 1e6); });
cmds.forEach((c, i) => { const a = t[i].sort((x, y) => x - y); console.log(`${a[0].toFixed(1).padStart(6)} ${a[a.length >> 1].toFixed(1).padStart(6)}  ${c.join(' ').slice(0, 90)}`); });
