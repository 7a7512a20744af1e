import { afterEach, describe, expect, it } from "vitest";
import { temporalLink } from "./config";

afterEach(() => {
  document.head.innerHTML = "";
});

describe("temporalLink", () => {
  it("is absent without a Temporal UI URL", () => {
    expect(temporalLink("lead-c-l")).toBeNull();
  });

  it("lists the workflow's runs in the configured namespace", () => {
    document.head.innerHTML = '<meta name="callwright-temporal-ui" content="http://127.0.0.1:8233"><meta name="callwright-temporal-namespace" content="sales">';
    expect(temporalLink("lead-c-l")).toBe("http://127.0.0.1:8233/namespaces/sales/workflows?query=WorkflowId%3D%22lead-c-l%22");
  });
});
