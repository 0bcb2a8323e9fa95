// The signed-in shell (navigation, sign out) and the routes; the sign-in page otherwise.
import { AppShell, Burger, Button, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense, useMemo, useSyncExternalStore } from 'react';
import { NavLink as RouterNavLink, Navigate, Route, Routes, useLocation } from 'react-router';
import { Provider } from 'urql';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Loading } from './components/States';
import { closeWebsocket, makeClient } from './lib/client';
import { getSession, signOut, subscribe } from './lib/session';
import { SignIn } from './pages/SignIn';

// Pages load on first visit: the sign-in page and shell stay small, charts come with the pages that draw them.
const AccountPage = lazy(() => import('./pages/AccountPage').then((m) => ({ default: m.AccountPage })));
const Accounts = lazy(() => import('./pages/Accounts').then((m) => ({ default: m.Accounts })));
const BillJobs = lazy(() => import('./pages/BillJobs').then((m) => ({ default: m.BillJobs })));
const BillPage = lazy(() => import('./pages/BillPage').then((m) => ({ default: m.BillPage })));
const Bills = lazy(() => import('./pages/Bills').then((m) => ({ default: m.Bills })));
const MeterPage = lazy(() => import('./pages/MeterPage').then((m) => ({ default: m.MeterPage })));
const NewAccount = lazy(() => import('./pages/NewAccount').then((m) => ({ default: m.NewAccount })));
const NewProduct = lazy(() => import('./pages/NewProduct').then((m) => ({ default: m.NewProduct })));
const Organization = lazy(() => import('./pages/Organization').then((m) => ({ default: m.Organization })));
const PricingPage = lazy(() => import('./pages/PricingPage').then((m) => ({ default: m.PricingPage })));
const ProductPage = lazy(() => import('./pages/ProductPage').then((m) => ({ default: m.ProductPage })));
const Products = lazy(() => import('./pages/Products').then((m) => ({ default: m.Products })));
const RunBills = lazy(() => import('./pages/RunBills').then((m) => ({ default: m.RunBills })));

const NAVIGATION = [
  { to: '/organization', label: 'Organization' },
  { to: '/products', label: 'Products' },
  { to: '/accounts', label: 'Accounts' },
  { to: '/run-bills', label: 'Run bills' },
  { to: '/bills', label: 'Bills' },
  { to: '/bill-jobs', label: 'Bill jobs' },
];

export function App() {
  const session = useSyncExternalStore(subscribe, getSession);
  const token = session?.token;
  // A new client per token: nothing cached under one sign-in is shown to the next.
  const client = useMemo(() => {
    closeWebsocket();
    return makeClient();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);
  if (!session) return <SignIn />;
  return (
    <Provider value={client}>
      <Shell />
    </Provider>
  );
}

function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700}>Metergraph</Text>
          </Group>
          <Button variant="subtle" onClick={() => signOut()}>
            Sign out
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <nav>
          {NAVIGATION.map((item) => (
            <NavLink
              key={item.to}
              component={RouterNavLink}
              to={item.to}
              label={item.label}
              active={location.pathname.startsWith(item.to)}
              variant="filled"
              onClick={close}
            />
          ))}
        </nav>
      </AppShell.Navbar>
      <AppShell.Main>
        <ErrorBoundary key={location.pathname}>
        <Suspense fallback={<Loading what="the page" />}>
        <Routes>
          <Route path="/" element={<Navigate to="/products" replace />} />
          <Route path="/organization" element={<Organization />} />
          <Route path="/products" element={<Products />} />
          <Route path="/products/new" element={<NewProduct />} />
          <Route path="/products/:id" element={<ProductPage />} />
          <Route path="/meters/:id" element={<MeterPage />} />
          <Route path="/pricings/:id" element={<PricingPage />} />
          <Route path="/accounts" element={<Accounts />} />
          <Route path="/accounts/new" element={<NewAccount />} />
          <Route path="/accounts/:id" element={<AccountPage />} />
          <Route path="/run-bills" element={<RunBills />} />
          <Route path="/bills" element={<Bills />} />
          <Route path="/bills/:id" element={<BillPage />} />
          <Route path="/bill-jobs" element={<BillJobs />} />
          <Route path="*" element={<Text>There is no page here.</Text>} />
        </Routes>
        </Suspense>
        </ErrorBoundary>
      </AppShell.Main>
    </AppShell>
  );
}
