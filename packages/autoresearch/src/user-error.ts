/**
 * A mistake the user can fix: the CLI prints `message` (and `hint`) as one line each and
 * exits with `exitCode`, never a stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = 2
  ) {
    super(message)
    this.name = "UserError"
  }
}
