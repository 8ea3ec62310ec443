// Errors of the data package: what a caller may need to tell apart. HTTP status is decided in the api package.
export class CampaignNotFoundError extends Error {
  override readonly name = 'CampaignNotFoundError';
  constructor(readonly campaignId: string) {
    super(`campaign ${campaignId} not found`);
  }
}

/** A status change that the campaign's current status does not allow (e.g. closing a draft). */
export class CampaignStatusError extends Error {
  override readonly name = 'CampaignStatusError';
  constructor(
    readonly campaignId: string,
    readonly status: string,
    readonly wanted: string,
  ) {
    super(`campaign ${campaignId} is ${status}, cannot become ${wanted}`);
  }
}

/** A console account name that is already taken. */
export class AccountExistsError extends Error {
  override readonly name = 'AccountExistsError';
  constructor(readonly account: string) {
    super(`account ${account} exists`);
  }
}

export class AccountNotFoundError extends Error {
  override readonly name = 'AccountNotFoundError';
  constructor(readonly account: string) {
    super(`account ${account} not found`);
  }
}

/** A set-up or reset link that is unknown, used, replaced by a newer one, or past its time. */
export class LinkInvalidError extends Error {
  override readonly name = 'LinkInvalidError';
}

/**
 * A ballot was stored but some of its comments were not (more comments than one transaction holds, and a write
 * failed after the ballot's). The client's retry with the same submission id stores the rest, exactly once.
 */
export class CommentsNotStoredError extends Error {
  override readonly name = 'CommentsNotStoredError';
  constructor(
    readonly campaignId: string,
    options?: { cause?: unknown },
  ) {
    super(`a ballot of campaign ${campaignId} is stored, some of its comments are not yet`, options);
  }
}

/** A code that cannot be voided: it has voted, or it was never issued. */
export class CodeNotVoidableError extends Error {
  override readonly name = 'CodeNotVoidableError';
  constructor(
    readonly campaignId: string,
    readonly reason: 'used' | 'not-issued',
  ) {
    super(`code of campaign ${campaignId} cannot be voided: ${reason}`);
  }
}

/** The aggregates were mid-update through every read of a consistent cut (aggregates.ts readCut). */
export class UnsettledAggregatesError extends Error {
  override readonly name = 'UnsettledAggregatesError';
  constructor(
    readonly campaignId: string,
    readonly ahead: string[],
  ) {
    super(`aggregates of ${campaignId} did not settle into a consistent cut (${ahead.length} item(s) ahead)`);
  }
}

/** A publication, feedback link or measure that does not exist, or a change its state does not allow. */
export class FollowUpStateError extends Error {
  override readonly name = 'FollowUpStateError';
  constructor(
    readonly reason:
      | 'not-closed'
      | 'no-closing-report'
      | 'receipts-mismatch'
      | 'not-found'
      | 'withdrawn'
      | 'revoked',
    message: string,
  ) {
    super(message);
  }
}

/** A paper batch (书面评议) refusing a step; the console says each reason in Chinese. */
export class PaperBatchError extends Error {
  override readonly name = 'PaperBatchError';
  constructor(
    readonly reason:
      | 'not-found'
      | 'group'
      | 'not-open'
      | 'serial'
      | 'void'
      | 'same-person'
      | 'not-yours'
      | 'pass-done'
      | 'empty'
      | 'not-ready'
      | 'unresolved'
      | 'committed',
  ) {
    super(`paper batch refused: ${reason}`);
  }
}

/** A rehearsal wipe refused: the campaign is formal, still open, or its closing report is not made yet. */
export class RehearsalWipeError extends Error {
  override readonly name = 'RehearsalWipeError';
  constructor(
    readonly campaignId: string,
    readonly reason: 'formal' | 'not-closed' | 'closing',
  ) {
    super(`campaign ${campaignId} cannot be wiped: ${reason}`);
  }
}
