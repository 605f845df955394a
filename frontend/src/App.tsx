import { Provider } from 'react-redux';
import { createBrowserRouter, Link, Outlet, RouterProvider } from 'react-router';
import { api } from './api.ts';
import { SignIn } from './components/SignIn.tsx';
import { appConfig, setAuthToken } from './config.ts';
import { AgentBuilderPage } from './pages/AgentBuilderPage.tsx';
import { SessionsPage } from './pages/SessionsPage.tsx';
import { type AppStore, setSignedIn, useAppDispatch, useAppSelector } from './store.ts';

function Layout() {
  const dispatch = useAppDispatch();
  const cognito = appConfig().cognito;
  const signOut = () => {
    setAuthToken(undefined);
    dispatch(api.util.resetApiState());
    dispatch(setSignedIn(false));
  };
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="logo" aria-hidden="true" /> Agent Builder
        </Link>
        {cognito && (
          <button type="button" className="sign-out" onClick={signOut}>
            Sign out
          </button>
        )}
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

const router = () => createBrowserRouter(routes());
let browserRouter: ReturnType<typeof router> | undefined;

/** The routes, or the sign-in form while the deployed platform needs one. */
function Gate() {
  const dispatch = useAppDispatch();
  const signedIn = useAppSelector((s) => s.ui.signedIn);
  const cognito = appConfig().cognito;
  if (!signedIn && cognito)
    return (
      <SignIn
        cognito={cognito}
        onSignedIn={(token, expiresInSeconds) => {
          setAuthToken(token, expiresInSeconds);
          dispatch(setSignedIn(true));
        }}
      />
    );
  browserRouter ??= router();
  return <RouterProvider router={browserRouter} />;
}

export function App({ store }: { store: AppStore }) {
  return (
    <Provider store={store}>
      <Gate />
    </Provider>
  );
}
