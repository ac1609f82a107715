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
//
// --min-semi-space-size=64: and it stays that size. V8 shrinks the young
// generation when allocation is slow (an idle minute) and grows it back only
// as objects survive scavenges; once a chat left almost nothing behind (item
// 39), it never grew back, and at 500 chats/s the server ran 633 scavenges in
// 40 s instead of 55 (460 against 162 ms of pauses; two runs of the same
// code, 16:04 and 16:07 on 2026-11-29). The cost: the
// 128 MB are resident from the first busy second on, idle or not (an idle
// server's RSS is ~125 MB higher once they have been used).
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64", "--min-semi-space-size=64"];
