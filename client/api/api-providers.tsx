// tRPC and React Query for one signed-in session. Every request carries the
// session's API key; a 401 from any query or mutation signs the person out
// with an explanation instead of leaving a half-working page. Mounted per key,
// so signing out drops every cached answer with it.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink } from "@trpc/client";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { isUnauthorized, httpStatusOf } from "./api-errors.ts";
import { trackedFetch } from "./tracked-fetch.ts";
import { trpc } from "./trpc.ts";

const MAX_RETRIES = 2;

function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = httpStatusOf(error);
  // A 4xx will not change on retry; network failures and 5xx may.
  if (status !== undefined && status < 500) return false;
  return failureCount < MAX_RETRIES;
}

export function ApiProviders(props: { apiKey: string; onUnauthorized: () => void; children: ReactNode }) {
  const onUnauthorizedRef = useRef(props.onUnauthorized);
  useEffect(() => {
    onUnauthorizedRef.current = props.onUnauthorized;
  });

  const [queryClient] = useState(() => {
    const onError = (error: unknown) => {
      if (isUnauthorized(error)) onUnauthorizedRef.current();
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 5_000 },
        mutations: { retry: false },
      },
    });
  });
  const [trpcClient] = useState(() =>
    trpc.createClient({
      links: [
        httpBatchLink({
          url: "/trpc",
          fetch: trackedFetch,
          headers: { "x-api-key": props.apiKey },
        }),
      ],
    }),
  );

  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{props.children}</QueryClientProvider>
    </trpc.Provider>
  );
}
