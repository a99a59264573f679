// The CLI's fetch for model downloads: follows redirects itself so that the commit Hugging Face
// names on its redirect (X-Repo-Commit on huggingface.co's 302; the file host's final answer
// does not carry it) reaches the downloader, which records it with the weights. A browser
// cannot do this (a redirect's headers are hidden there); Node's fetch can ('manual').
import { REPO_COMMIT_HEADER, type FetchLike } from '../engine/index.ts';

const MAX_REDIRECTS = 10;

export const fetchKeepingRepoCommit: FetchLike = async (url, init) => {
  let commit: string | null = null;
  let at = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetch(at, { ...init, redirect: 'manual' });
    commit ??= response.headers.get(REPO_COMMIT_HEADER);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      if (!commit || response.headers.has(REPO_COMMIT_HEADER)) return response;
      const headers = new Headers(response.headers);
      headers.set(REPO_COMMIT_HEADER, commit);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
    await response.body?.cancel();
    at = new URL(location, at).href;
  }
  throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
};
