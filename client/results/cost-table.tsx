// Traffic, speed and spend per variant, ending with cost per approved answer:
// total cost over thumbs up, the figure that says whether a better prompt is
// worth its price. Fallback answers are counted here but left out of every
// comparison.
import type { ResultsVariant } from "../api/trpc.ts";
import { formatCount, formatDuration } from "../format/metrics-format.ts";
import { formatMoney } from "../format/stats-format.ts";
import { VariantName } from "./approval-table.tsx";

function Cell(props: { id: string; children: string; emphasis?: boolean }) {
  return (
    <td className={props.emphasis ? "emphasis" : undefined}>
      <span className="figure" data-testid={props.id}>
        {props.children}
      </span>
    </td>
  );
}

export function CostTable(props: { variants: ResultsVariant[] }) {
  return (
    <section className="card results-section" aria-labelledby="cost-table-title">
      <h2 id="cost-table-title">Traffic, speed and cost</h2>
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="cost-table-title">
        <table className="results-table">
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">Allocation</th>
              <th scope="col">Users</th>
              <th scope="col">Answers compared</th>
              <th scope="col">Fallback answers</th>
              <th scope="col">Latency p50 / p95</th>
              <th scope="col">First token p50</th>
              <th scope="col">Tokens in / out</th>
              <th scope="col">Cost per answer</th>
              <th scope="col" className="emphasis">
                Cost per approved answer
              </th>
            </tr>
          </thead>
          <tbody>
            {props.variants.map((variant, index) => {
              const { compared } = variant;
              return (
                <tr key={variant.variant} data-testid={`variant-cost-row-${variant.variant}`}>
                  <VariantName variant={variant} index={index} />
                  <Cell id="allocation">{`${variant.allocation}%`}</Cell>
                  <Cell id="users">{formatCount(variant.users)}</Cell>
                  <Cell id="messages">{formatCount(compared.messages)}</Cell>
                  <Cell id="fallback">{formatCount(variant.fallback_messages)}</Cell>
                  <Cell id="latency">{`${formatDuration(compared.latency_p50_ms)} / ${formatDuration(compared.latency_p95_ms)}`}</Cell>
                  <Cell id="ttft">{formatDuration(compared.time_to_first_token_p50_ms)}</Cell>
                  <Cell id="tokens">{`${formatCount(compared.tokens_in)} / ${formatCount(compared.tokens_out)}`}</Cell>
                  <Cell id="cost-per-message">{formatMoney(compared.cost_per_message_usd)}</Cell>
                  <Cell id="cost-per-approved" emphasis>
                    {formatMoney(compared.cost_per_approved_answer_usd)}
                  </Cell>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
