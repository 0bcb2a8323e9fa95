// The GraphQL client: urql over HTTP for queries and mutations, graphql-ws for the
// billJobProgress subscription. The bearer token goes in a header on HTTP and in the
// connection_init payload on the websocket (CONTRACT §3).
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { SESSION_ENDED, authHeader, signOut } from './session';

let ws: WsClient | null = null;

function websocket(): WsClient {
  if (!ws) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = createWsClient({
      url: `${scheme}://${location.host}/graphql`,
      connectionParams: () => authHeader(),
      lazy: true,
    });
  }
  return ws;
}

export function makeClient(): Client {
  return new Client({
    url: '/graphql',
    // Billing data changes under us (bill runs, approvals): ask the API again rather than
    // trust a cached page; the document cache still dedupes identical in-flight queries.
    requestPolicy: 'cache-and-network',
    // POST, not GET: variables (account codes, ids) stay out of URLs and access logs.
    preferGetMethod: false,
    fetchOptions: () => ({ headers: authHeader() }),
    exchanges: [
      // A token the API no longer accepts (expired, key deactivated): back to sign in
      // rather than pages of errors.
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) signOut(SESSION_ENDED);
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = websocket().subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}

export function closeWebsocket(): void {
  // A new token needs a new connection_init: drop the socket so the next one carries it.
  ws?.dispose();
  ws = null;
}
