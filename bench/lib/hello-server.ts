// The benchmarks' floor: the smallest server started the same way as PromptLab
// (node --import ./scripts/register-typescript.mjs). Its start-up time is what
// Node and the TypeScript hooks alone cost; its answers (read the body, then
// 200 at once) are what the generator and one HTTP hop cost, for the feedback
// and token benchmarks. `tokens` is there so the token benchmark's client
// accepts the answer as a count.
import http from "node:http";

http
  .createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok","tokens":0}');
    });
  })
  .listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
