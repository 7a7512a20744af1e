import { authHeaders, check } from "./client";

/**
 * Saves what `path` answers as a file named `filename`. The API needs the key in a header, so
 * a plain link cannot download it: the answer is fetched, then saved from a Blob.
 */
export async function download(path: string, filename: string): Promise<void> {
  const response = await check(await fetch(path, { headers: authHeaders() }));
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Chromium reads the Blob after the click returns: free it a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
