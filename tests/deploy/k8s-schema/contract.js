// The pod's contract in the rendered manifests: what issue 8 asks of deploy/kubernetes and
// what `podman kube play` (deploy.kube) ignores, so that nothing else would catch its loss:
// preStop and a grace period that let in-flight ISAPI requests finish, resource requests and
// limits, probes on the sidecar's ping path, the socket shared through an emptyDir with
// permissions nginx's user can use, a Service and a PodDisruptionBudget that select the pods,
// an HPA on CPU that scales this Deployment.
// usage: node contract.js RENDERED.yaml   (kubectl kustomize deploy/kubernetes)
'use strict';
const fs = require('fs');
const YAML = require('yaml');

const docs = YAML.parseAllDocuments(fs.readFileSync(process.argv[2], 'utf8')).map((d) => d.toJS()).filter(Boolean);
const problems = [];
const expect = (ok, what) => { if (!ok) problems.push(what); };
const one = (kind) => {
  const all = docs.filter((d) => d.kind === kind);
  if (all.length !== 1) { problems.push(`expected one ${kind}, found ${all.length}`); return null; }
  return all[0];
};
const seconds = (text) => {  // "30s", "500ms", "2m", a number of seconds
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(text));
  if (!m) return NaN;
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 }[m[2] || 's']);
};
// The longest `sleep N` of a preStop exec command (0 if none): the time a stop waits first.
const preStopSleep = (c) => {
  const cmd = c.lifecycle?.preStop?.exec?.command;
  if (!cmd) return null;
  const sleeps = [...cmd.join(' ').matchAll(/\bsleep\s+(\d+)/g)].map((m) => Number(m[1]));
  return sleeps.length ? Math.max(...sleeps) : 0;
};
const selects = (selector, labels) =>
  selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

const deployment = one('Deployment');
if (deployment) {
  const pod = deployment.spec.template.spec;
  const labels = deployment.spec.template.metadata.labels || {};
  const containers = pod.containers || [];
  const probedWithPing = (isSidecar) => containers.filter((c) =>
    isSidecar === [c.startupProbe, c.readinessProbe, c.livenessProbe].some((p) => p?.exec?.command?.[0] === 'isapi-fcgi'));
  const [sidecar] = probedWithPing(true);
  const [nginx] = probedWithPing(false);
  expect(sidecar && nginx && containers.length === 2, 'the pod runs two containers: nginx and the sidecar (probed with isapi-fcgi ping)');
  const configMaps = Object.fromEntries(docs.filter((d) => d.kind === 'ConfigMap').map((d) => [d.metadata.name, d]));
  for (const v of pod.volumes || []) {
    if (v.configMap) expect(configMaps[v.configMap.name], `volume ${v.name}: ConfigMap ${v.configMap.name} is not in the manifests`);
  }

  if (sidecar && nginx) {
    // The sidecar's configuration, from the ConfigMap mounted at /etc/isapi-fcgi.
    const confMount = (sidecar.volumeMounts || []).find((m) => m.mountPath === '/etc/isapi-fcgi');
    const confVolume = confMount && (pod.volumes || []).find((v) => v.name === confMount.name);
    const confMap = confVolume?.configMap && configMaps[confVolume.configMap.name];
    const config = confMap && YAML.parse(confMap.data?.['isapi-fcgi.yaml'] || '');
    expect(config, 'the sidecar mounts its isapi-fcgi.yaml from a ConfigMap at /etc/isapi-fcgi');
    const pool = config?.pools?.[0] || {};
    const pingPath = pool.ping_path ?? '/ping';
    const shutdown = seconds(config?.shutdown_timeout ?? '30s');

    // The socket: in an emptyDir both containers mount at the same path.
    const socket = /^unix:(.*)$/.exec(pool.listen || '')?.[1];
    expect(socket, `the sidecar's pool listens on a unix socket (listen: ${pool.listen})`);
    if (socket) {
      const dir = socket.replace(/\/[^/]+$/, '');
      const mountOf = (c) => (c.volumeMounts || []).find((m) => m.mountPath === dir);
      const [a, b] = [mountOf(sidecar), mountOf(nginx)];
      const volume = a && (pod.volumes || []).find((v) => v.name === a.name);
      expect(a && b && a.name === b.name && volume?.emptyDir, `both containers mount one emptyDir at ${dir}, the socket's directory`);
      const nginxConf = Object.values(configMaps).map((m) => Object.values(m.data || {}).join('\n')).join('\n');
      expect(nginxConf.includes(`unix:${socket}`), `an nginx ConfigMap passes requests to unix:${socket}`);
      // nginx runs as another user than the sidecar: the socket must be usable by it.
      const mode = parseInt(pool.socket?.mode ?? '0660', 8);
      expect((mode & 0o006) === 0o006 || (pod.securityContext?.fsGroup !== undefined && (mode & 0o060) === 0o060),
             `socket mode ${pool.socket?.mode ?? '(default)'}: nginx's user can connect (0666, or 0660 with a pod fsGroup)`);
    }

    // Probes on the ping path.
    for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const cmd = sidecar[kind]?.exec?.command || [];
      const i = cmd.indexOf('--path');
      const path = i >= 0 ? cmd[i + 1] : '/ping';  // isapi-fcgi ping's default
      expect(cmd[0] === 'isapi-fcgi' && cmd[1] === 'ping', `the sidecar's ${kind} runs isapi-fcgi ping`);
      expect(path === pingPath, `the sidecar's ${kind} asks ${path}, the pool's ping_path is ${pingPath}`);
    }
    expect(nginx.readinessProbe?.httpGet?.path === pingPath,
           `nginx's readinessProbe asks ${nginx.readinessProbe?.httpGet?.path} through nginx, the ping path is ${pingPath}`);
    expect(nginx.livenessProbe?.httpGet, 'nginx has a livenessProbe');

    // Stopping: preStop on both, then the drain, within the grace period.
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    for (const c of [nginx, sidecar]) {
      const sleep = preStopSleep(c);
      expect(sleep !== null && sleep > 0, `${c.name}: a preStop that waits while endpoints drop the pod`);
      if (c === sidecar && sleep !== null) {
        expect(grace > sleep + shutdown,
               `terminationGracePeriodSeconds ${grace} must exceed the sidecar's preStop ${sleep} s + shutdown_timeout ${shutdown} s`);
      }
    }

    // Resources: requests (the HPA's 100 %) and limits on every container.
    for (const c of containers) {
      for (const k of ['requests', 'limits']) {
        expect(c.resources?.[k]?.cpu && c.resources?.[k]?.memory, `${c.name}: resources.${k}.cpu and .memory`);
      }
    }
  }

  const service = one('Service');
  if (service) {
    expect(selects(service.spec.selector, labels), "the Service selects the Deployment's pods");
    const target = service.spec.ports?.[0]?.targetPort;
    const ports = (nginx?.ports || []);
    expect(ports.some((p) => p.name === target || p.containerPort === target), `the Service's targetPort ${target} is an nginx port`);
  }
  const pdb = one('PodDisruptionBudget');
  if (pdb) expect(selects(pdb.spec.selector?.matchLabels, labels), "the PodDisruptionBudget selects the Deployment's pods");
  const hpa = one('HorizontalPodAutoscaler');
  if (hpa) {
    const ref = hpa.spec.scaleTargetRef || {};
    expect(ref.kind === 'Deployment' && ref.name === deployment.metadata.name && ref.apiVersion === 'apps/v1',
           `the HPA scales Deployment ${deployment.metadata.name} (scaleTargetRef: ${JSON.stringify(ref)})`);
    expect((hpa.spec.metrics || []).some((m) => m.type === 'Resource' && m.resource?.name === 'cpu'), 'the HPA follows CPU');
    expect(hpa.spec.maxReplicas > (hpa.spec.minReplicas ?? 1), 'the HPA can add replicas');
  }
}

for (const p of problems) console.error(`contract: ${p}`);
console.log(`contract: ${problems.length ? 'FAILED' : 'ok'} (${docs.length} documents)`);
process.exit(problems.length ? 1 : 0);
