// Offline schema check of rendered Kubernetes manifests (no API server needed):
//  1. kubernetes-models' bundled OpenAPI validators: types, required fields, enums, known
//     kind/apiVersion (they allow unknown fields);
//  2. TypeScript against kubernetes-types: each document becomes a typed object literal, so an
//     unknown field is an excess-property error.
// usage: node check.js WORKDIR FILE.yaml...   (WORKDIR gets check.ts and a node_modules link)
'use strict';
const fs = require('fs');
const path = require('path');
const cp = require('child_process');
const YAML = require('yaml');

const modules = path.dirname(require.resolve('yaml/package.json')).replace(/[/\\]yaml$/, '');
// kubernetes-types directory of each API group used by deploy/kubernetes.
const groupDir = { '': 'core', apps: 'apps', autoscaling: 'autoscaling', policy: 'policy', batch: 'batch',
                   'networking.k8s.io': 'networking' };

const [workDir, ...files] = process.argv.slice(2);
let failures = 0;
let ts = '';
let count = 0;
for (const file of files) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (doc.errors.length) {
      console.error(`${file}: YAML: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    const what = `${file}: ${obj.kind}/${obj.metadata && obj.metadata.name}`;
    const [group, version] = String(obj.apiVersion).includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    let Model;
    try {
      Model = require(`kubernetes-models/${group ? group + '/' : ''}${version}/${obj.kind}`)[obj.kind];
    } catch (e) {
      console.error(`${what}: unknown kind or apiVersion ${obj.apiVersion}`);
      failures++;
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      console.error(`${what}: ${e.message}`);
      failures++;
    }
    const dir = groupDir[group];
    if (!dir) {
      console.error(`${what}: API group '${group}' is not mapped to kubernetes-types`);
      failures++;
      continue;
    }
    ts += `// ${what}\nimport type { ${obj.kind} as T${count} } from 'kubernetes-types/${dir}/${version}';\n` +
          `export const d${count}: T${count} = ${JSON.stringify(obj, null, 1)};\n`;
    count++;
  }
}
if (count === 0) {
  console.error('no manifests found');
  process.exit(1);
}
fs.mkdirSync(workDir, { recursive: true });
fs.writeFileSync(path.join(workDir, 'check.ts'), ts);
const link = path.join(workDir, 'node_modules');
if (!fs.existsSync(link)) fs.symlinkSync(modules, link);
const tsc = path.join(modules, 'typescript', 'bin', 'tsc');
const r = cp.spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext',
  '--moduleResolution', 'nodenext', path.join(workDir, 'check.ts')], { encoding: 'utf8' });
process.stdout.write(r.stdout || '');
process.stderr.write(r.stderr || '');
if (r.status !== 0) failures++;
console.log(`${count} manifest(s) checked, ${failures ? 'FAILED' : 'ok'}`);
process.exit(failures ? 1 : 0);
