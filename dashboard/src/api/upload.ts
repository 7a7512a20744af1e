import { ApiError, apiKey, setApiKey } from "./client";
import type { ErrorBody, ImportReport } from "./types";

/**
 * Uploads a lead CSV (`POST /api/leads/upload`, multipart) with XMLHttpRequest, the browser API
 * that reports upload progress; `onProgress` gets 0…1 of the bytes sent.
 */
export function uploadLeads(file: File, region: string, onProgress: (sent: number) => void): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/leads/upload${region ? `?region=${encodeURIComponent(region)}` : ""}`);
    xhr.setRequestHeader("authorization", `Bearer ${apiKey() ?? ""}`);
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(xhr.response as ImportReport);
        return;
      }
      if (xhr.status === 401) setApiKey(null);
      reject(new ApiError(xhr.status, xhr.response as Partial<ErrorBody> | null));
    };
    xhr.onerror = () => reject(new Error("network error during the upload"));
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}
