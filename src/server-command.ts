// The node flags the PromptLab server runs with, in one place: `npm start`
// spells them out (a test holds package.json to this list), and the tests'
// and benchmarks' server processes take them from here, so they measure what
// production runs.
//
// --max-semi-space-size=64: a young generation of up to 64 MB per semi-space
// (Node 20's default tops out at 16 MB) makes scavenges four times rarer. A
// chat's garbage is short-lived, so fewer, larger scavenges copy about the
// same survivors: in same-run comparisons the server spent 4-8% less CPU per
// chat, and the first token's p99 at 500 req/s fell from 20 to 15 ms
// (docs/BENCHMARKS.md, item 26). The cost: the new space may grow to 128 MB
// instead of 32 MB, so up to 96 MB more resident memory under load.
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64"];
