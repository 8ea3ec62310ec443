// One-message pages for evaluators: success with a receipt, code or device already used, not open, invalid code,
// too many attempts — each in plain words, in the reader's language.
import {
  type ApiError,
  CodeUsedError,
  DeviceVotedError,
  ForgedCodeError,
  NotOpenError,
  PayloadTooLargeError,
  RateLimitedError,
  VoidCodeError,
} from '../errors.ts';
import { Layout } from './layout.tsx';
import { fill, formatWindowEn, type Lang, notOpenEnglish, texts } from './text.ts';

type Tone = 'ok' | 'used' | 'bad' | 'info';
type CampaignBand = { title: string; organizer: string };

export function MessagePage(props: {
  title: string;
  message: string;
  lang?: Lang;
  tone?: Tone;
  help?: string;
  campaign?: CampaignBand;
}) {
  const lang = props.lang ?? 'zh-CN';
  return (
    <Layout title={props.title} lang={lang} {...(props.campaign ? { campaign: props.campaign } : {})}>
      <main class="wrap">
        <section class="card notice">
          <div class={`mark ${props.tone ?? 'info'}`} aria-hidden="true" />
          <h1>{props.title}</h1>
          <p>{props.message}</p>
          {props.help ? <p class="next">{props.help}</p> : null}
        </section>
      </main>
    </Layout>
  );
}

/** The success card: the server's page after a form post, and the template the script fills after a fetch. */
export function SuccessCard(props: { lang: Lang; receipt: string }) {
  const t = texts[props.lang];
  return (
    <section class="card notice">
      <div class="mark ok" aria-hidden="true" />
      <h1>{t.successTitle}</h1>
      <p>{t.successMessage}</p>
      <p class="muted">{t.receipt}</p>
      <p class="receipt">{props.receipt}</p>
      <p class="next">{t.next}</p>
    </section>
  );
}

export function SuccessPage(props: { lang: Lang; receipt: string; campaign: CampaignBand }) {
  return (
    <Layout title={texts[props.lang].successTitle} lang={props.lang} campaign={props.campaign} script>
      <main class="wrap" id="done-page" data-receipt={props.receipt}>
        <SuccessCard lang={props.lang} receipt={props.receipt} />
      </main>
    </Layout>
  );
}

/**
 * Already used (a code, or a device on an open link). The script may show this phone's own receipt, or finish
 * a submit whose answer never arrived (same submission id: the server answers with the original receipt).
 */
export function UsedPage(props: { lang: Lang; device: boolean; campaign?: CampaignBand | undefined }) {
  const t = texts[props.lang];
  const title = props.device ? t.deviceTitle : t.usedTitle;
  return (
    <Layout title={title} lang={props.lang} script {...(props.campaign ? { campaign: props.campaign } : {})}>
      <main class="wrap">
        <section class="card notice" id="used-page">
          <div class="mark used" aria-hidden="true" />
          <h1>{title}</h1>
          <p>{props.device ? t.deviceMessage : t.usedMessage}</p>
          <div id="mine" hidden>
            <p class="muted">{t.mine}</p>
            <p class="receipt" />
          </div>
          <p class="next">{props.device ? t.deviceHelp : t.usedHelp}</p>
        </section>
        <template id="done-template">
          <SuccessCard lang={props.lang} receipt="" />
        </template>
      </main>
    </Layout>
  );
}

/** The page for an evaluator-facing error. Chinese messages written for voters are shown as they are. */
export function ErrorPage(props: { error: ApiError; lang: Lang; campaign?: CampaignBand | undefined }) {
  const { error, lang } = props;
  const t = texts[lang];
  const band = props.campaign ? { campaign: props.campaign } : {};
  if (error instanceof DeviceVotedError || error instanceof CodeUsedError) {
    return <UsedPage lang={lang} device={error instanceof DeviceVotedError} campaign={props.campaign} />;
  }
  if (error instanceof NotOpenError) {
    const message =
      lang === 'en' ? fill(notOpenEnglish, { window: formatWindowEn(error.window) }) : error.message;
    return <MessagePage title={t.notOpenTitle} message={message} lang={lang} {...band} />;
  }
  if (error instanceof VoidCodeError) {
    return <MessagePage title="评议码已作废" message={error.message} lang={lang} tone="bad" {...band} />;
  }
  if (error instanceof ForgedCodeError) {
    return <MessagePage title={t.invalidTitle} message={t.invalidMessage} lang={lang} tone="bad" {...band} />;
  }
  if (error instanceof RateLimitedError) {
    return <MessagePage title={t.rateLimitedTitle} message={t.rateLimitedMessage} lang={lang} {...band} />;
  }
  if (error instanceof PayloadTooLargeError) {
    return <MessagePage title={t.tooLargeTitle} message={t.tooLarge} lang={lang} tone="bad" {...band} />;
  }
  return <MessagePage title={t.failedTitle} message={error.message} lang={lang} tone="bad" {...band} />;
}
