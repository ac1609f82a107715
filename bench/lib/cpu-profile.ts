// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: the
// functions with the most self time, and the same time grouped by where the
// code lives (our src/, a package, Node's internals, GC).
import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  self_ms: number;
  /** Share of the busy (non-idle) time. */
  busy_percent: number;
}

export interface ProfileSummary {
  duration_ms: number;
  busy_ms: number;
  top_functions: ProfileEntry[];
  by_area: ProfileEntry[];
  /** Self time plus everything called from it: which of our functions the time is spent under. */
  top_inclusive_own_code: ProfileEntry[];
}

function shortUrl(url: string): string {
  if (!url) return "";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) return url.slice(modules + "node_modules/".length);
  for (const marker of ["/src/", "/sidecar/", "/bench/"]) {
    const at = url.lastIndexOf(marker);
    if (at >= 0) return url.slice(at + 1);
  }
  return url.replace(/^file:\/\//, "");
}

function areaOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) {
    if (url.includes("deps/undici")) return "node internals: undici (fetch)";
    if (url.includes("webstreams")) return "node internals: web streams (fetch bodies)";
    if (/_http_|internal\/http/.test(url)) return "node internals: http";
    if (/streams\/|stream_base|net/.test(url)) return "node internals: net and streams";
    return "node internals: other";
  }
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return `package ${modules[1]}`;
  const own = /\/(src|sidecar)\/(.+)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return shortUrl(url);
}

export async function summarizeCpuProfile(file: string, top = 20): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the gap before sample i; that time is charged to the sample's node.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    totalUs += us;
    if (frame.functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const location = frame.url ? ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : "";
    const name = `${frame.functionName || "(anonymous)"}${location}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busyUs = Math.max(1, totalUs - idleUs);

  // Inclusive time for our own functions (src/, sidecar/): walk each sample's stack once.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ownName = (frame: ProfileNode["callFrame"]) =>
    /\/(src|sidecar)\//.test(frame.url) && !frame.url.includes("node_modules") ? `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : null;
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = ownName(byId.get(at)!.callFrame);
      if (name && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      }
    }
  }
  const ranked = (map: Map<string, number>, limit: number): ProfileEntry[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, self_ms: Math.round(us / 1000), busy_percent: Number(((100 * us) / busyUs).toFixed(1)) }));
  return {
    duration_ms: Math.round((profile.endTime - profile.startTime) / 1000),
    busy_ms: Math.round(busyUs / 1000),
    top_functions: ranked(functions, top),
    by_area: ranked(areas, top),
    top_inclusive_own_code: ranked(inclusive, top),
  };
}
