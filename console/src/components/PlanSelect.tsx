import { NativeSelect } from '@mantine/core';
import { useQuery } from 'urql';
import { graphql } from '../gql';

const PlansQuery = graphql(`
  query PlanChoices {
    plans(first: 100) { nodes { id code name currency billFrequency } }
  }
`);

export function PlanSelect(props: { label: string; value: string; onChange: (id: string) => void; error?: string }) {
  const [result] = useQuery({ query: PlansQuery });
  const plans = result.data?.plans.nodes ?? [];
  return (
    <NativeSelect
      label={props.label}
      value={props.value}
      error={props.error ?? (result.error ? 'Plans could not be loaded' : undefined)}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      data={[
        { value: '', label: result.fetching && !result.data ? 'Loading plans…' : 'Choose a plan' },
        ...plans.map((plan) => ({
          value: plan.id,
          label: `${plan.name} (${plan.code}, ${plan.billFrequency.toLowerCase()}, ${plan.currency})`,
        })),
      ]}
    />
  );
}
