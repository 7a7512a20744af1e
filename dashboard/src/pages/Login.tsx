import { useState, type FormEvent } from "react";
import { setApiKey, verifyKey } from "../api/client";

/** Asks for an API key; it is kept in this tab's sessionStorage only. */
export function Login() {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (await verifyKey(key.trim())) setApiKey(key.trim());
      else setError("That key is not valid (or was revoked).");
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form className="card" onSubmit={(e) => void submit(e)}>
        <h1>Callwright</h1>
        <label>
          API key
          <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} placeholder="cwk_…" autoFocus />
        </label>
        <button disabled={!key.trim() || busy}>Sign in</button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <p className="muted">
          Create one with <code>callwright-api keys create --name NAME</code>. It stays in this browser tab only.
        </p>
      </form>
    </div>
  );
}
