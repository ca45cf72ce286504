/**
 * A Kubernetes control plane on loopback for `npm run e2e`: etcd, kube-apiserver (TLS with generated
 * certificates, token authentication, RBAC, the default admission plugins, PodSecurity among them)
 * and kube-controller-manager with the controllers a bare cluster needs for what Pulumi does to it
 * (namespace deletion, garbage collection, service accounts, workload controllers, and the PVC protection
 * finalizer's removal, without which a claim never finishes deleting). No scheduler and
 * no kubelet: pods are admitted and stay Pending.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as path from "node:path";

/** Binaries by name: etcd, kube-apiserver, kube-controller-manager. */
export type Binaries = Record<"etcd" | "kube-apiserver" | "kube-controller-manager", string>;

export interface KubeResponse {
    status: number;
    body: any;
}

export class Cluster {
    private readonly processes: { name: string; child: ChildProcess }[] = [];
    /** The API server's URL, e.g. https://127.0.0.1:41234. */
    server = "";
    /** The kubeconfig the cluster's admin uses, with the context `context`. */
    readonly kubeconfig: string;
    private readonly token = `e2e-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    private ca = "";

    constructor(
        private readonly dir: string,
        private readonly bins: Binaries,
        readonly context: string,
    ) {
        this.kubeconfig = path.join(dir, "kubeconfig");
    }

    /** Starts etcd, the API server and the controller manager, and waits until the API server is ready. */
    async start(): Promise<void> {
        fs.mkdirSync(this.dir, { recursive: true });
        this.generateCertificates();
        const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
        this.server = `https://127.0.0.1:${apiPort}`;

        this.spawn("etcd", this.bins.etcd, [
            "--name=e2e",
            `--data-dir=${path.join(this.dir, "etcd")}`,
            `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
            `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
            `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
            "--unsafe-no-fsync",
            "--log-level=warn",
        ]);

        const file = (name: string) => path.join(this.dir, name);
        this.spawn("kube-apiserver", this.bins["kube-apiserver"], [
            `--etcd-servers=http://127.0.0.1:${etcdClient}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--secure-port=${apiPort}`,
            `--cert-dir=${file("apiserver-certs")}`,
            `--tls-cert-file=${file("apiserver.crt")}`,
            `--tls-private-key-file=${file("apiserver.key")}`,
            `--client-ca-file=${file("ca.crt")}`,
            `--token-auth-file=${file("tokens.csv")}`,
            "--authorization-mode=RBAC",
            // As every real cluster's API server (kubeadm, k3s, kind): without it the API server's own validation
            // refuses a privileged container before Pod Security admission judges the pod.
            "--allow-privileged=true",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            `--service-account-key-file=${file("sa.pub")}`,
            `--service-account-signing-key-file=${file("sa.key")}`,
            "--service-cluster-ip-range=10.96.0.0/24",
            // Endpoints may not name a loopback address: the `kubernetes` Service keeps no endpoints here.
            "--endpoint-reconciler-type=none",
            "--profiling=false",
        ]);
        await this.waitFor("the API server", async () => (await this.request("GET", "/readyz")).status === 200, 180);

        fs.writeFileSync(file("controller-manager.kubeconfig"), this.kubeconfigText("controller-manager"));
        this.spawn("kube-controller-manager", this.bins["kube-controller-manager"], [
            `--kubeconfig=${file("controller-manager.kubeconfig")}`,
            "--controllers=namespace-controller,garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller,root-ca-certificate-publisher-controller,deployment-controller,replicaset-controller,statefulset-controller,job-controller,cronjob-controller,persistentvolumeclaim-protection-controller",
            `--service-account-private-key-file=${file("sa.key")}`,
            `--root-ca-file=${file("ca.crt")}`,
            "--bind-address=127.0.0.1",
            "--secure-port=0",
            "--leader-elect=false",
            "--profiling=false",
        ]);
        // The service-account controller creates each namespace's `default` account: the controllers are up.
        await this.waitFor("the controller manager", async () => (await this.request("GET", "/api/v1/namespaces/default/serviceaccounts/default")).status === 200, 120);
        fs.writeFileSync(this.kubeconfig, this.kubeconfigText(this.context));
    }

    /** Stops every process, last started first. */
    async stop(): Promise<void> {
        for (const { child } of [...this.processes].reverse()) {
            if (child.exitCode !== null || child.signalCode !== null) continue;
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGTERM");
            await Promise.race([exited, sleep(10_000).then(() => child.kill("SIGKILL"))]);
        }
    }

    /** One request to the API server as its admin; `body` is sent as JSON. */
    request(method: string, urlPath: string, body?: unknown): Promise<KubeResponse> {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        return new Promise((resolve, reject) => {
            const req = https.request(
                `${this.server}${urlPath}`,
                {
                    method,
                    ca: this.ca,
                    headers: { authorization: `Bearer ${this.token}`, accept: "application/json", ...(payload ? { "content-type": "application/json" } : {}) },
                    timeout: 30_000,
                },
                (res) => {
                    let text = "";
                    res.setEncoding("utf8");
                    res.on("data", (chunk: string) => (text += chunk));
                    res.on("end", () => {
                        let parsed: unknown = text;
                        try {
                            parsed = JSON.parse(text);
                        } catch {
                            /* plain text (readyz) */
                        }
                        resolve({ status: res.statusCode ?? 0, body: parsed });
                    });
                },
            );
            req.on("error", reject);
            req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
            if (payload) req.write(payload);
            req.end();
        });
    }

    /** The log file of a process, for a failure's report. */
    logOf(name: string): string {
        return path.join(this.dir, `${name}.log`);
    }

    private spawn(name: string, bin: string, args: string[]): void {
        const log = fs.openSync(this.logOf(name), "a");
        const child = spawn(bin, args, { stdio: ["ignore", log, log], cwd: this.dir });
        fs.closeSync(log);
        child.on("exit", (code, signal) => {
            if (!this.stopping()) process.stderr.write(`${name} exited (${signal ?? code}); see ${this.logOf(name)}\n`);
        });
        this.processes.push({ name, child });
    }

    private stopping(): boolean {
        return this.processes.some(({ child }) => child.killed);
    }

    private async waitFor(what: string, ready: () => Promise<boolean>, seconds: number): Promise<void> {
        const deadline = Date.now() + seconds * 1000;
        for (;;) {
            const exited = this.processes.find(({ child }) => child.exitCode !== null);
            if (exited) throw new Error(`${exited.name} exited with ${exited.child.exitCode}; its log: ${this.logOf(exited.name)}`);
            if (await ready().catch(() => false)) return;
            if (Date.now() > deadline) throw new Error(`${what} was not ready within ${seconds} s (logs in ${this.dir})`);
            await sleep(500);
        }
    }

    /** A CA, the API server's serving certificate, the service-account key pair and the token file. */
    private generateCertificates(): void {
        const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: this.dir, stdio: ["ignore", "ignore", "pipe"] });
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=agent-estate-e2e-ca");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "apiserver.key", "-out", "apiserver.csr", "-subj", "/CN=kube-apiserver");
        fs.writeFileSync(
            path.join(this.dir, "apiserver.ext"),
            "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n",
        );
        openssl("x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "apiserver.crt", "-days", "2", "-extfile", "apiserver.ext");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key");
        openssl("pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub");
        // The admin and the controller manager: members of system:masters.
        fs.writeFileSync(path.join(this.dir, "tokens.csv"), `${this.token},e2e-admin,e2e-admin,"system:masters"\n`);
        this.ca = fs.readFileSync(path.join(this.dir, "ca.crt"), "utf8");
    }

    private kubeconfigText(context: string): string {
        return JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "e2e", cluster: { server: this.server, "certificate-authority-data": Buffer.from(this.ca).toString("base64") } }],
            users: [{ name: "e2e-admin", user: { token: this.token } }],
            contexts: [{ name: context, context: { cluster: "e2e", user: "e2e-admin" } }],
            "current-context": context,
        });
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Ports free on loopback now (the OS picks them). */
async function freePorts(n: number): Promise<number[]> {
    const servers = await Promise.all(
        Array.from(
            { length: n },
            () =>
                new Promise<net.Server>((resolve, reject) => {
                    const s = net.createServer();
                    s.once("error", reject);
                    s.listen(0, "127.0.0.1", () => resolve(s));
                }),
        ),
    );
    const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    return ports;
}
