// A product's whole catalog as a tree, read with ONE nested query (no request waterfall).
import { Badge, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { To } from '../components/Links';
import { QueryState } from '../components/States';
import { graphql } from '../gql';
import type { ProductTreeQuery as ProductTreeResult } from '../gql/graphql';

const ProductTreeQuery = graphql(`
  query ProductTree($id: ID!) {
    product(id: $id) {
      id
      code
      name
      meters(first: 100) {
        nodes {
          id
          code
          name
          dataFields { code name category unit }
          derivedFields { code name category calculation }
          aggregations(first: 100) {
            nodes { id code name aggregation targetField quantityPerUnit rounding }
          }
        }
      }
      compoundAggregations(first: 100) { nodes { id code name calculation } }
      planTemplates(first: 100) {
        nodes {
          id
          code
          name
          currency
          billFrequency
          standingCharge
          pricings(first: 100) { nodes { ...PricingSummary } }
          plans(first: 100) {
            nodes { id code name pricings(first: 100) { nodes { ...PricingSummary } } }
          }
        }
      }
    }
  }
  fragment PricingSummary on Pricing {
    id
    code
    description
    cumulative
    tiersSpanPlan
    startDate
    pricingBands { lowerLimit unitPrice fixedPrice }
    aggregation { code name }
    compoundAggregation { code name }
  }
`);

type Product = NonNullable<ProductTreeResult['product']>;
type PricingRow = Product['planTemplates']['nodes'][number]['pricings']['nodes'][number];

export function ProductPage() {
  const { id = '' } = useParams();
  const [result] = useQuery({ query: ProductTreeQuery, variables: { id } });
  return (
    <QueryState fetching={result.fetching} error={result.error} data={result.data?.product} what="product">
      {(product) => <Tree product={product} />}
    </QueryState>
  );
}

function Tree({ product }: { product: Product }) {
  return (
    <Stack>
      <Title order={1}>{product.name}</Title>
      <Text c="dimmed">Code {product.code}</Text>
      <Title order={2}>Meters</Title>
      {product.meters.nodes.length === 0 ? <Text c="dimmed">No meters.</Text> : null}
      {product.meters.nodes.map((meter) => (
        <Card withBorder key={meter.id}>
          <Group>
            <To to={`/meters/${meter.id}`}>{meter.name}</To>
            <Text c="dimmed" size="sm">
              {meter.code}
            </Text>
          </Group>
          <Text size="sm" mt="xs">
            Data fields: {meter.dataFields.map((f) => `${f.code} (${f.category})`).join(', ') || 'none'}
          </Text>
          {meter.derivedFields.length ? (
            <Text size="sm">Derived: {meter.derivedFields.map((f) => `${f.code} = ${f.calculation}`).join(', ')}</Text>
          ) : null}
          <List size="sm" mt="xs">
            {meter.aggregations.nodes.map((agg) => (
              <List.Item key={agg.id}>
                Aggregation {agg.name} ({agg.code}): {agg.aggregation} of {agg.targetField}, {agg.quantityPerUnit} per
                unit, rounding {agg.rounding}
              </List.Item>
            ))}
          </List>
        </Card>
      ))}
      {product.compoundAggregations.nodes.length ? (
        <>
          <Title order={2}>Compound aggregations</Title>
          <List>
            {product.compoundAggregations.nodes.map((c) => (
              <List.Item key={c.id}>
                {c.name} ({c.code}) = {c.calculation}
              </List.Item>
            ))}
          </List>
        </>
      ) : null}
      <Title order={2}>Plan templates and plans</Title>
      {product.planTemplates.nodes.length === 0 ? <Text c="dimmed">No plan templates.</Text> : null}
      {product.planTemplates.nodes.map((template) => (
        <Card withBorder key={template.id}>
          <Group>
            <Text fw={600}>{template.name}</Text>
            <Badge variant="light">{template.billFrequency}</Badge>
            <Badge variant="outline">{template.currency}</Badge>
            <Text size="sm">standing charge {template.standingCharge}</Text>
          </Group>
          <Pricings pricings={template.pricings.nodes} />
          {template.plans.nodes.map((plan) => (
            <Stack key={plan.id} ml="md" mt="xs" gap={2}>
              <Text>
                Plan <strong>{plan.name}</strong> ({plan.code})
              </Text>
              <Pricings pricings={plan.pricings.nodes} />
            </Stack>
          ))}
        </Card>
      ))}
    </Stack>
  );
}

function Pricings({ pricings }: { pricings: PricingRow[] }) {
  if (!pricings.length) return null;
  return (
    <List size="sm" ml="md">
      {pricings.map((pricing) => {
        const target = pricing.aggregation ?? pricing.compoundAggregation;
        const kind = pricing.cumulative ? 'tiered' : 'volume';
        return (
          <List.Item key={pricing.id}>
            <To to={`/pricings/${pricing.id}`}>Pricing of {target?.name ?? 'a deleted target'}</To> — {kind},{' '}
            {pricing.pricingBands.length} band{pricing.pricingBands.length === 1 ? '' : 's'}
            {pricing.tiersSpanPlan ? ', spanning the plan' : ''}
          </List.Item>
        );
      })}
    </List>
  );
}
