/** The gateway's OIDC sign-in, returning to `here` (a path with its hash) afterwards. */
export function signInHref(login: string, hash = window.location.hash): string {
  const here = `${window.location.pathname}${window.location.search}${hash}`;
  return `${login}?return=${encodeURIComponent(here)}`;
}

/** Shown when GET /api/me answers 401: the gateway's OIDC sign-in, returning to this very view afterwards. */
export function SignIn({ login = '/auth/login' }: { login?: string }) {
  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <div className="brand-mark" aria-hidden="true">
          V
        </div>
        <h1>Vigil</h1>
        <p>Sign in with your organisation's identity provider to supervise and replay agent sessions.</p>
        <a className="button primary" href={signInHref(login)}>
          Sign in
        </a>
        <a className="sign-in-packet" href="#/packet">
          Open an evidence packet…
        </a>
        <p className="small">No sign-in needed: packets are verified and replayed in this browser.</p>
      </div>
    </main>
  );
}
