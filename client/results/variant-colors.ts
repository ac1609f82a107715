// One colour per variant, by its position in the experiment, shared by the
// charts, their legends and the tables' swatches so a variant reads the same
// everywhere. Chosen to stay apart for common colour-vision deficiencies.
const PALETTE = ["#4338ca", "#c2410c", "#0f766e", "#a21caf", "#4d7c0f", "#be123c"];

export function variantColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** The same colour, see-through, for an interval band. */
export function bandFill(color: string, alpha = 0.14): string {
  const value = Number.parseInt(color.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}
