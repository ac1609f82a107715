// A throwaway certificate for 127.0.0.1, made by the openssl command line, so a
// test can serve HTTPS and have a client trust it (NODE_EXTRA_CA_CERTS names
// the certificate file). Node can parse certificates but not issue them.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export interface SelfSignedCertificate {
  key: string;
  cert: string;
  /** The certificate as a file, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
  remove(): Promise<void>;
}

export async function selfSignedCertificate(): Promise<SelfSignedCertificate> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "promptlab-cert-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  try {
    await promisify(execFile)("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", keyFile, "-out", certFile, "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not make a test certificate with openssl (is it installed?): ${String(error)}`);
  }
  return {
    key: await readFile(keyFile, "utf8"),
    cert: await readFile(certFile, "utf8"),
    certFile,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
