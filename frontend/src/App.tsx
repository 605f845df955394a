import { Provider } from 'react-redux';
import { createBrowserRouter, Link, Outlet, RouterProvider } from 'react-router';
import { AgentBuilderPage } from './pages/AgentBuilderPage.tsx';
import { SessionsPage } from './pages/SessionsPage.tsx';
import type { AppStore } from './store.ts';

function Layout() {
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="logo" aria-hidden="true" /> Agent Builder
        </Link>
      </header>
      <Outlet />
    </>
  );
}

export function routes() {
  return [
    {
      path: '/',
      element: <Layout />,
      children: [
        { index: true, element: <SessionsPage /> },
        { path: 'sessions/:id/:tab?', element: <AgentBuilderPage /> },
        {
          path: '*',
          element: (
            <main className="page">
              <h1>Not found</h1>
              <Link to="/">Back to your agents</Link>
            </main>
          ),
        },
      ],
    },
  ];
}

export function App({ store }: { store: AppStore }) {
  return (
    <Provider store={store}>
      <RouterProvider router={createBrowserRouter(routes())} />
    </Provider>
  );
}
