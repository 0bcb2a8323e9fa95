// userErrors (CONTRACT §3) mapped to the inputs they name.
import type { CombinedError } from 'urql';

export interface UserErrorLike {
  field: readonly string[];
  message: string;
}

/** Messages keyed by the path below `prefix` (e.g. prefix ["input"] turns
 * ["input","pricingBands","1","unitPrice"] into "pricingBands.1.unitPrice"). */
export function errorsByPath(errors: readonly UserErrorLike[] | undefined, prefix: readonly string[] = ['input']) {
  const byPath: Record<string, string> = {};
  for (const error of errors ?? []) {
    const matches = prefix.every((part, index) => error.field[index] === part);
    const key = (matches ? error.field.slice(prefix.length) : error.field).join('.');
    byPath[key] = byPath[key] ? `${byPath[key]}; ${error.message}` : error.message;
  }
  return byPath;
}

export function describeError(error: CombinedError | undefined): string | null {
  if (!error) return null;
  if (error.networkError) return `The API could not be reached: ${error.networkError.message}`;
  return error.graphQLErrors.map((e) => e.message).join('; ') || error.message;
}
