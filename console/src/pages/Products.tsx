import { Button, Group, Stack, Title } from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { DataTable } from '../components/DataTable';
import { To } from '../components/Links';
import { QueryState } from '../components/States';
import { graphql } from '../gql';
import type { ProductsQuery as ProductsResult } from '../gql/graphql';

const ProductsQuery = graphql(`
  query Products {
    products(first: 100) {
      totalCount
      nodes {
        id
        code
        name
        meters(first: 100) { totalCount }
        plans(first: 100) { totalCount }
      }
    }
  }
`);

type Row = ProductsResult['products']['nodes'][number];
const column = createColumnHelper<Row>();
const columns = [
  column.accessor('name', { header: 'Name', cell: (c) => <To to={`/products/${c.row.original.id}`}>{c.getValue()}</To> }),
  column.accessor('code', { header: 'Code' }),
  column.accessor((row) => row.meters.totalCount, { id: 'meters', header: 'Meters' }),
  column.accessor((row) => row.plans.totalCount, { id: 'plans', header: 'Plans' }),
];

export function Products() {
  const [result] = useQuery({ query: ProductsQuery });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Products</Title>
        <Button component={Link} to="/products/new">
          New product
        </Button>
      </Group>
      <QueryState fetching={result.fetching} error={result.error} data={result.data?.products} what="products">
        {(products) => (
          <DataTable label="Products" rows={products.nodes} columns={columns} empty="No products yet. Create one to start." />
        )}
      </QueryState>
    </Stack>
  );
}
