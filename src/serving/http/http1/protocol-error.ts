/** A request the HTTP/1.1 layer refuses before any route sees it: answered with `status`, then the connection closes. */
export class HttpProtocolError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}
