// Edit one pricing's bands with the live preview; a save's userErrors land on the cells.
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { BandEditor, bandsForApi, isCumulative, modeOf, type BandSettings } from '../components/BandEditor';
import { To } from '../components/Links';
import { ErrorState, QueryState } from '../components/States';
import { graphql } from '../gql';
import type { PricingPageQuery as PricingPageResult } from '../gql/graphql';
import { errorsByPath } from '../lib/errors';

const PricingPageQuery = graphql(`
  query PricingPage($id: ID!) {
    pricing(id: $id) {
      id
      version
      description
      productId
      cumulative
      tiersSpanPlan
      startDate
      endDate
      pricingBands { lowerLimit unitPrice fixedPrice }
      aggregation { name code }
      compoundAggregation { name code }
      plan { name code }
      planTemplate { name code }
    }
  }
`);

const UpdatePricing = graphql(`
  mutation UpdatePricing($input: UpdatePricingInput!) {
    updatePricing(input: $input) {
      pricing { id version cumulative tiersSpanPlan pricingBands { lowerLimit unitPrice fixedPrice } }
      userErrors { field code message }
    }
  }
`);

type Pricing = NonNullable<PricingPageResult['pricing']>;

export function PricingPage() {
  const { id = '' } = useParams();
  const [result] = useQuery({ query: PricingPageQuery, variables: { id } });
  return (
    <QueryState fetching={result.fetching} error={result.error} data={result.data?.pricing} what="pricing">
      {(pricing) => <Editor key={pricing.id} pricing={pricing} />}
    </QueryState>
  );
}

function Editor({ pricing }: { pricing: Pricing }) {
  const bands = pricing.pricingBands.map((band) => ({ ...band }));
  const [value, setValue] = useState<BandSettings>({
    bands,
    mode: modeOf(pricing.cumulative, bands),
    tiersSpanPlan: pricing.tiersSpanPlan,
  });
  const [units, setUnits] = useState('100');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [result, update] = useMutation(UpdatePricing);
  const target = pricing.aggregation ?? pricing.compoundAggregation;
  const owner = pricing.plan ?? pricing.planTemplate;

  const save = async () => {
    setSaved(false);
    const outcome = await update({
      input: {
        id: pricing.id,
        version: pricing.version,
        cumulative: isCumulative(value.mode),
        tiersSpanPlan: value.tiersSpanPlan,
        pricingBands: bandsForApi(value.bands),
      },
    });
    const payload = outcome.data?.updatePricing;
    setErrors(errorsByPath(payload?.userErrors));
    setSaved(Boolean(payload?.pricing));
  };
  const other = Object.entries(errors).filter(([path]) => !path.startsWith('pricingBands.'));

  return (
    <Stack>
      <Title order={1}>Pricing of {target?.name ?? 'a deleted target'}</Title>
      <Text c="dimmed">
        {pricing.plan ? 'Plan' : 'Plan template'} {owner?.name} · from {pricing.startDate.slice(0, 10)}
        {pricing.endDate ? ` to ${pricing.endDate.slice(0, 10)}` : ''} ·{' '}
        <To to={`/products/${pricing.productId}`}>product</To>
      </Text>
      <BandEditor value={value} onChange={setValue} errors={errors} units={units} onUnitsChange={setUnits} />
      <ErrorState error={result.error} />
      {other.length ? (
        <Alert color="red" role="alert">
          {other.map(([path, message]) => `${path}: ${message}`).join('; ')}
        </Alert>
      ) : null}
      <Group>
        <Button onClick={save} loading={result.fetching}>
          Save pricing
        </Button>
        <Text role="status" aria-live="polite">
          {saved ? 'Saved.' : ''}
        </Text>
      </Group>
    </Stack>
  );
}
