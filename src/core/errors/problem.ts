/** An RFC 9457 problem document, as every error leaves the server (see ProblemFilter). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}
