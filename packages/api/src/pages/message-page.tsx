// One-message pages for evaluators: thanks with a receipt, code used, not open, invalid code, or an error.
import { Layout } from './layout.tsx';

export function MessagePage(props: {
  title: string;
  message: string;
  receipt?: string;
  campaignTitle?: string;
}) {
  return (
    <Layout title={props.title}>
      {props.campaignTitle ? <p class="muted">{props.campaignTitle}</p> : null}
      <div class="card notice">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.receipt ? (
          <>
            <p class="muted">回执码（可截图留存）</p>
            <p class="receipt">{props.receipt}</p>
          </>
        ) : null}
      </div>
    </Layout>
  );
}

export const thanksMessage = '您的评议已成功提交并计入统计。评议结果将在评议结束后按规定通报或公示。';
