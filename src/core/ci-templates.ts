// Ready CI workflows for a mirror: sync on a schedule, commit, build the site, push. Pure text.
// Exit-code policy: 3 (some documents failed) still publishes what was recorded, then marks the run
// failed so someone looks; 1 and 2 stop before publishing.

export type CiKind = 'github' | 'gitlab';

export const CI_FILES: Record<CiKind, string> = {
  github: '.github/workflows/leakmirror.yml',
  gitlab: '.gitlab-ci.yml',
};

export function ciWorkflow(kind: CiKind, version: string): string {
  return kind === 'github' ? githubWorkflow(version) : gitlabWorkflow(version);
}

function githubWorkflow(version: string): string {
  return `# leakmirror: sync the mirror on a schedule, commit, publish the site to GitHub Pages, push.
# Exit codes: 0 ok, 3 some documents failed (everything else is recorded and published, then this
# run is marked failed so someone looks), 1/2 nothing is published. See the leakmirror README.
name: leakmirror
on:
  schedule:
    - cron: '17 */6 * * *'   # every six hours; adjust to the sources' pace
  workflow_dispatch: {}
permissions:
  contents: write   # push the new versions
  pages: write      # publish the site
  id-token: write
concurrency:
  group: leakmirror   # one run at a time
  cancel-in-progress: false
jobs:
  sync:
    runs-on: ubuntu-latest
    timeout-minutes: 120
    environment:
      name: github-pages
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0   # the whole history: diffs and the site need it
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - uses: actions/cache@v4
        with:
          path: .leakmirror/runs.jsonl
          key: leakmirror-runs-\${{ github.run_id }}
          restore-keys: leakmirror-runs-
      - name: Sync
        id: sync
        run: |
          set +e
          npx --yes leakmirror@${version} sync --json > sync-report.json
          code=$?
          echo "code=$code" >> "$GITHUB_OUTPUT"
          if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then exit "$code"; fi
          if [ "$code" -eq 3 ]; then echo "::warning::some documents failed; see sync-report.json"; fi
        # Secrets for sources with headers: { env: NAME } go here, e.g.
        # env:
        #   LEAKS_TOKEN: \${{ secrets.LEAKS_TOKEN }}
      - name: Build the site
        run: npx --yes leakmirror@${version} publish --site site
      - name: Push the mirror
        run: npx --yes leakmirror@${version} publish --push
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
      - uses: actions/deploy-pages@v4
      - name: Mark the run when documents failed
        if: steps.sync.outputs.code == '3'
        run: |
          echo "Some documents failed (exit 3): everything else was recorded and published."
          exit 1
`;
}

function gitlabWorkflow(version: string): string {
  return `# leakmirror: sync the mirror on a schedule (CI/CD > Schedules), commit, push, publish Pages.
# Set a project access token with write_repository as the CI/CD variable LEAKMIRROR_PUSH_TOKEN.
# Exit codes: 0 ok, 3 some documents failed (recorded and published, then the job is marked
# failed), 1/2 nothing is published. See the leakmirror README.
pages:
  image: node:20
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web"
  resource_group: leakmirror   # one run at a time
  variables:
    GIT_DEPTH: 0   # the whole history: diffs and the site need it
  cache:
    key: leakmirror-runs
    paths:
      - .leakmirror/runs.jsonl
  script:
    - git checkout -B "$CI_COMMIT_REF_NAME" "$CI_COMMIT_SHA"
    - git remote set-url origin "https://oauth2:\${LEAKMIRROR_PUSH_TOKEN}@\${CI_SERVER_HOST}/\${CI_PROJECT_PATH}.git"
    - set +e; npx --yes leakmirror@${version} sync --json > sync-report.json; code=$?; set -e
    - if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then exit "$code"; fi
    - npx --yes leakmirror@${version} publish --site public
    - npx --yes leakmirror@${version} publish --push
    - if [ "$code" -eq 3 ]; then echo "Some documents failed (exit 3); everything else was recorded and published."; exit 1; fi
  artifacts:
    when: always
    paths:
      - public
      - sync-report.json
`;
}
