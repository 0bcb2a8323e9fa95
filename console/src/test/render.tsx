// Rendering helpers for component tests: Mantine's provider and a urql client whose
// exchange answers each operation from a handler (the network is the only thing replaced).
import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { Client, Provider, makeResult, type Exchange, type Operation } from 'urql';
import { filter, fromValue, map, merge, mergeMap, pipe, share } from 'wonka';

export type Handler = (operation: Operation) => Record<string, unknown>;

export function stubClient(handler: Handler, seen: Operation[] = []): Client {
  const exchange: Exchange = () => (operations$) => {
    const shared = pipe(operations$, share);
    return merge([
      pipe(
        shared,
        filter((operation) => operation.kind !== 'teardown'),
        mergeMap((operation) => {
          seen.push(operation);
          return pipe(
            fromValue(operation),
            map((op) => makeResult(op, { data: handler(op) })),
          );
        }),
      ),
    ]);
  };
  return new Client({ url: 'http://test/graphql', exchanges: [exchange] });
}

export function renderWith(ui: ReactElement, client?: Client) {
  const content = <MantineProvider>{client ? <Provider value={client}>{ui}</Provider> : ui}</MantineProvider>;
  return render(<MemoryRouter>{content}</MemoryRouter>);
}
