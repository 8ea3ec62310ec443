// Progressive enhancement of the evaluator pages. The plain form works without this file; this adds inline
// checks, progress, a draft kept on the phone, and a submit that retries with the same submission id, so a
// dropped connection never turns the voter's own ballot into "already used". esbuild lowers it to ES2017.
(() => {
  const KEY = `pingyi:${location.pathname}`;
  const RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000];
  const TIMEOUT = 20000;

  const store = {
    read() {
      try {
        return JSON.parse(localStorage.getItem(KEY) || 'null');
      } catch {
        return null;
      }
    },
    write(value) {
      try {
        localStorage.setItem(KEY, JSON.stringify(value));
      } catch {
        // storage disabled or full: everything still works, only the draft is not kept
      }
    },
    clear() {
      try {
        localStorage.removeItem(KEY);
      } catch {
        // as above
      }
    },
  };

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.prototype.slice.call((root || document).querySelectorAll(selector));
  const fill = (template, values) =>
    (template || '').replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const chars = (text) => Array.from(text).length;

  /** The JSON ballot from field values ({name: [values]}): the same mapping as the server's form.ts. */
  function ballotOf(fields, submissionId) {
    const answers = {};
    const answer = (subject) => {
      answers[subject] = answers[subject] || {};
      return answers[subject];
    };
    for (const name of Object.keys(fields)) {
      const value = fields[name][0];
      const [prefix, subject, item, ...rest] = name.split('.');
      if (!subject || rest.length > 0 || typeof value !== 'string' || value === '') continue;
      if (prefix === 'a' && item === undefined) answer(subject).overall = value;
      if (prefix === 'a' && item !== undefined) {
        const a = answer(subject);
        a.items = a.items || {};
        a.items[item] = value;
      }
      if (prefix === 'c' && item === undefined && value.trim() !== '') answer(subject).comment = value;
    }
    const first = (name) => (fields[name] ? fields[name][0] : '');
    return {
      answers,
      matters: {
        best: fields.best || [],
        worst: fields.worst || [],
        otherBest: first('otherBest'),
        otherWorst: first('otherWorst'),
      },
      submissionId,
    };
  }

  function post(url, body) {
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), TIMEOUT) : 0;
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      credentials: 'same-origin',
    };
    if (controller) init.signal = controller.signal;
    return fetch(url, init).then(
      (response) =>
        response.text().then((text) => {
          clearTimeout(timer);
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {
            // a cut-off body reads as a failed attempt below
          }
          return { status: response.status, json, retryAfter: Number(response.headers.get('retry-after')) };
        }),
      () => {
        clearTimeout(timer);
        return { status: 0, json: null, retryAfter: 0 };
      },
    );
  }

  /** Replaces the page's content with the success card (a template the server rendered in the page's language). */
  function showDone(receipt) {
    const template = document.getElementById('done-template');
    const main = $('main .wrap') || $('main');
    if (!template || !main) return;
    const card = document.importNode(template.content, true);
    $('.receipt', card).textContent = receipt;
    main.textContent = '';
    main.appendChild(card);
    const progress = document.getElementById('progress');
    if (progress) progress.hidden = true;
    const heading = $('h1', main);
    window.scrollTo(0, 0);
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
      document.title = heading.textContent;
    }
  }

  const accepted = (reply) =>
    (reply.status === 200 || reply.status === 201) && reply.json && reply.json.receipt;

  function enhance(form) {
    const t = form.dataset;
    const submissionId = form.elements.namedItem('submissionId');
    const cards = $$('.subject', form);
    const issues = document.getElementById('issues');
    const status = document.getElementById('status');
    const button = $('button[type=submit]', form);
    const progress = document.getElementById('progress');
    let pending = false;
    let sending = false;
    let checked = issues && !issues.hidden;

    function fieldsOf() {
      const fields = {};
      for (const element of $$('input, textarea', form)) {
        if (!element.name || element.name === 'submissionId') continue;
        if ((element.type === 'radio' || element.type === 'checkbox') && !element.checked) continue;
        if (element.value === '') continue;
        fields[element.name] = fields[element.name] || [];
        fields[element.name].push(element.value);
      }
      return fields;
    }

    function save() {
      store.write({ sid: submissionId.value, fields: fieldsOf(), sent: pending });
    }

    function restore(draft) {
      for (const element of $$('input, textarea', form)) {
        if (!element.name || element.name === 'submissionId') continue;
        const values = draft.fields[element.name] || [];
        if (element.type === 'radio' || element.type === 'checkbox')
          element.checked = values.includes(element.value);
        else element.value = values[0] || '';
      }
      if (draft.sid) submissionId.value = draft.sid;
      pending = draft.sent === true;
      for (const details of $$('details', form)) if ($('input:checked', details)) details.open = true;
    }

    function setStatus(message, isError) {
      status.textContent = message || '';
      status.classList.toggle('error', Boolean(isError));
    }

    const gaps = () => cards.filter((card) => !$('.overall input:checked', card));

    function showIssues(list) {
      issues.textContent = '';
      issues.hidden = list.length === 0;
      if (list.length === 0) return;
      const head = document.createElement('p');
      const strong = document.createElement('strong');
      strong.textContent = fill(t.tIssues, { n: list.length });
      head.appendChild(strong);
      const ul = document.createElement('ul');
      for (const entry of list) {
        const li = document.createElement('li');
        const link = document.createElement('a');
        link.href = `#${entry.target}`;
        link.textContent = entry.text;
        li.appendChild(link);
        ul.appendChild(li);
      }
      issues.appendChild(head);
      issues.appendChild(ul);
    }

    /** Marks a card's overall question as missing or not: its look, and aria-invalid with the message. */
    function markMissing(card, missing) {
      card.classList.toggle('missing', missing);
      for (const input of $$('.overall input', card)) {
        if (missing) {
          input.setAttribute('aria-invalid', 'true');
          input.setAttribute('aria-describedby', `m-${card.id.slice(2)}`);
        } else {
          input.removeAttribute('aria-invalid');
          input.removeAttribute('aria-describedby');
        }
      }
    }

    function missingIssues() {
      const missing = gaps();
      for (const card of cards) markMissing(card, missing.includes(card));
      return missing.map((card) => ({
        target: card.id,
        text: fill(t.tMissing, { name: card.dataset.name }),
      }));
    }

    function updateProgress() {
      const done = cards.length - gaps().length;
      $('span', progress).textContent = fill(t.tProgress, { done, total: cards.length });
      $('progress', progress).value = done;
    }

    function updateCounter(textarea) {
      const counter = document.getElementById(`${textarea.id}-count`);
      if (counter)
        counter.textContent = fill(t.tCount, { n: chars(textarea.value), max: textarea.maxLength });
    }

    function limitPicks(fieldset) {
      const max = Number(fieldset.dataset.max);
      const boxes = $$('input[type=checkbox]', fieldset);
      const full = boxes.filter((box) => box.checked).length >= max;
      for (const box of boxes) box.disabled = full && !box.checked;
    }

    function unlock(message, isError) {
      sending = false;
      button.disabled = false;
      setStatus(message, isError);
    }

    function showServerIssues(list) {
      const byTarget = [];
      for (const issue of list || []) {
        const [root, subject, question] = String(issue.path).split('.');
        const card = root === 'answers' && subject ? document.getElementById(`s-${subject}`) : null;
        if (card && question === 'overall') {
          markMissing(card, true);
          byTarget.push({ target: card.id, text: fill(t.tMissing, { name: card.dataset.name }) });
        } else {
          byTarget.push({
            target: card ? card.id : root === 'matters' ? 'matters' : 'ballot',
            text: issue.message,
          });
        }
      }
      showIssues(byTarget);
      issues.focus();
    }

    async function send() {
      if (sending) return;
      sending = true;
      button.disabled = true;
      setStatus(t.tSending);
      pending = true;
      save();
      const body = JSON.stringify(ballotOf(fieldsOf(), submissionId.value));
      for (let attempt = 0; ; attempt++) {
        const reply = await post(form.action, body);
        if (accepted(reply)) {
          store.write({ receipt: reply.json.receipt });
          showDone(reply.json.receipt);
          return;
        }
        if (reply.status === 400) {
          pending = false;
          save();
          unlock('');
          showServerIssues(reply.json?.error?.issues);
          return;
        }
        if (reply.status === 413) {
          pending = false;
          save();
          unlock(t.tTooLarge, true);
          return;
        }
        if (reply.status === 403 || reply.status === 409 || reply.status === 410) {
          // the server's own page says it best, in the reader's language
          if (reply.status === 409) store.clear();
          else {
            pending = false;
            save();
          }
          location.reload();
          return;
        }
        // no answer, a cut-off answer, 429 or 5xx: the same submission id again, so nothing counts twice
        if (attempt >= RETRY_DELAYS.length) {
          unlock(t.tOffline, true);
          return;
        }
        setStatus(fill(t.tRetrying, { n: attempt + 2 }));
        const wait = reply.retryAfter > 0 ? Math.min(reply.retryAfter * 1000, 60000) : RETRY_DELAYS[attempt];
        await sleep(wait);
      }
    }

    const draft = store.read();
    if (form.hasAttribute('data-answered')) save();
    else if (draft?.fields) restore(draft);
    form.noValidate = true;
    progress.classList.add('live');
    updateProgress();
    for (const textarea of $$('textarea', form)) updateCounter(textarea);
    for (const fieldset of $$('fieldset[data-max]', form)) limitPicks(fieldset);
    if (pending) setStatus(t.tResume);

    form.addEventListener('input', (event) => {
      if (event.target.tagName === 'TEXTAREA') updateCounter(event.target);
      save();
    });
    form.addEventListener('change', (event) => {
      const picks = event.target.closest('fieldset[data-max]');
      if (picks) limitPicks(picks);
      updateProgress();
      if (checked) showIssues(missingIssues());
      save();
    });
    form.addEventListener('submit', (event) => {
      if (typeof fetch !== 'function') return; // a plain form post still works
      event.preventDefault();
      checked = true;
      const list = missingIssues();
      showIssues(list);
      if (list.length > 0) {
        issues.focus();
        return;
      }
      send();
    });
  }

  /** The "already used" page: say so kindly if this phone voted, or finish a submit whose answer was lost. */
  async function recover() {
    const state = store.read();
    if (!state) return;
    if (state.receipt) {
      const mine = document.getElementById('mine');
      $('.receipt', mine).textContent = state.receipt;
      mine.hidden = false;
      return;
    }
    if (!(state.sent && state.fields && state.sid)) return;
    const reply = await post(location.pathname, JSON.stringify(ballotOf(state.fields, state.sid)));
    if (accepted(reply)) {
      store.write({ receipt: reply.json.receipt });
      showDone(reply.json.receipt);
    } else if (reply.status === 409) {
      store.clear();
    }
  }

  const form = document.getElementById('ballot');
  const done = document.getElementById('done-page');
  if (form) enhance(form);
  else if (done) store.write({ receipt: done.dataset.receipt });
  else if (document.getElementById('used-page')) recover();
})();
