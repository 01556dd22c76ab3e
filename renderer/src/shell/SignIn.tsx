/** Shown when GET /api/me answers 401: the gateway's OIDC sign-in, returning to this very view afterwards. */
export function SignIn({ login = '/auth/login' }: { login?: string }) {
  const here = `${window.location.pathname}${window.location.search}${window.location.hash}`;
  const href = `${login}?return=${encodeURIComponent(here)}`;
  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <div className="brand-mark" aria-hidden="true">
          V
        </div>
        <h1>Vigil</h1>
        <p>Sign in with your organisation's identity provider to supervise and replay agent sessions.</p>
        <a className="button primary" href={href}>
          Sign in
        </a>
      </div>
    </main>
  );
}
