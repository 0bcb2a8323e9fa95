// Loading, empty and error states every page uses, so none is ever blank.
import { Alert, Center, Loader, Text } from '@mantine/core';
import type { CombinedError } from 'urql';
import { describeError } from '../lib/errors';

export function Loading({ what }: { what: string }) {
  return (
    <Center p="lg" role="status" aria-live="polite">
      <Loader size="sm" mr="sm" />
      <Text>Loading {what}…</Text>
    </Center>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return (
    <Text c="dimmed" p="md">
      {children}
    </Text>
  );
}

export function ErrorState({ error, message }: { error?: CombinedError; message?: string | null }) {
  const text = message ?? describeError(error);
  if (!text) return null;
  return (
    <Alert color="red" title="Something went wrong" role="alert" my="sm">
      {text}
    </Alert>
  );
}

/** Renders loading / error / not-found states for a query, or its content. */
export function QueryState<T>(props: {
  fetching: boolean;
  error?: CombinedError;
  data: T | null | undefined;
  what: string;
  children: (data: T) => React.ReactNode;
}) {
  if (props.error) return <ErrorState error={props.error} />;
  if (props.data === undefined && props.fetching) return <Loading what={props.what} />;
  if (props.data === null || props.data === undefined) return <Empty>No {props.what} found.</Empty>;
  return <>{props.children(props.data)}</>;
}
