// A small typed client of the API, as a frontend would write it: the types come from
// openapi-typescript's reading of infrastructure/openapi.yaml, the calls from openapi-fetch.
// It calls one route of every family; `tsc --strict` must accept it, so a spec that types a
// body as `Record<string, never>` or demands a property no answer has fails CI here.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type Schemas = components["schemas"];

export function api(baseUrl: string, accessToken?: string) {
  return createClient<paths>({
    baseUrl,
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });
}

/** health: liveness. */
export async function live(baseUrl: string): Promise<Schemas["HealthDocument"]["status"]> {
  const { data, error } = await api(baseUrl).GET("/health/live");
  if (error !== undefined || data === undefined) throw new Error("not live");
  return data.status;
}

/** auth: sign in (tokens or an MFA challenge), then read the account. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<Schemas["User"]> {
  const login = await api(baseUrl).POST("/api/v1/auth/login", { body: { email, password } });
  if (login.error) throw new Error(`${login.error.status}: ${login.error.detail ?? login.error.title}`);
  const answer = login.data;
  if ("mfaRequired" in answer) {
    const expires: string = answer.expiresAt;
    throw new Error(`second factor needed for challenge ${answer.challengeId} until ${expires}`);
  }
  const me = await api(baseUrl, answer.access_token).GET("/api/v1/auth/me");
  if (me.error) throw new Error(me.error.errors?.map((e) => `${e.pointer} ${e.code}: ${e.detail}`).join("; "));
  const created: string = me.data.createdAt;
  console.log(`signed in as ${me.data.displayName} since ${created}`);
  return me.data;
}

/** llm: one chat completion in a named workspace (OpenAI-compatible: the workspace is a header). */
export async function chat(baseUrl: string, token: string, workspaceId: string, text: string): Promise<string> {
  const { data, error } = await api(baseUrl, token).POST("/api/v1/llm/chat/completions", {
    params: { header: { "x-workspace-id": workspaceId } },
    body: { model: "fast", messages: [{ role: "user", content: text }] },
  });
  if (error) throw new Error(`${error.error.type}: ${error.error.message}`);
  const first = data.choices[0];
  return first?.message.content ?? "";
}

/** webhooks (billing): the workspace's plan, named in the path. */
export async function plan(baseUrl: string, token: string, workspaceId: string): Promise<string> {
  const { data, error } = await api(baseUrl, token).GET("/api/v1/billing/workspaces/{workspaceId}/subscription", {
    params: { path: { workspaceId } },
  });
  if (error) throw new Error(error.title);
  const periodEnd: string | null = data.currentPeriodEnd;
  return `${data.plan} (${data.status}${periodEnd === null ? "" : `, until ${periodEnd}`})`;
}

/** A page of the audit trail: the same cursor shape as every paged list. */
export async function auditPage(baseUrl: string, token: string, workspaceId: string, cursor?: string) {
  const { data, error } = await api(baseUrl, token).GET("/api/v1/auth/workspaces/{workspaceId}/audit", {
    params: { path: { workspaceId }, query: cursor === undefined ? { limit: 50 } : { limit: 50, cursor } },
  });
  if (error) throw new Error(error.title);
  const next: string | null = data.nextCursor;
  return { events: data.events.map((e) => `${e.at} ${e.action}`), next };
}
