// The demo "SaaS app": plain JavaScript against the SDK's script-tag build (window.paragon).
// The server signs a User Token for a sample user at GET /demo/session; a real app would do the
// same from its own backend for whoever is logged in.

const eventNames = [
  'onIntegrationInstall',
  'onIntegrationUninstall',
  'onWorkflowChange',
  'onPortalOpen',
  'onPortalClose',
];
const maxLoggedEvents = 50;
/** The integrations `paragon.ExternalFilePicker` supports. */
const filePickerTypes = ['googledrive', 'onedrive', 'sharepoint', 'box', 'dropbox'];
/** Where each picker's required init option is entered on this page. */
const pickerSettingLabels = {
  googledrive: 'Google developer key',
  box: 'Box folder ID',
  dropbox: 'Dropbox app key',
};
/** The seed's example workflows (ids from /demo/session), on the built-in Sandbox CRM. */
const demoWorkflows = [
  { key: 'contactCreated', name: 'Contact Created', toggle: 'contact-created-toggle' },
  { key: 'leadCreated', name: 'Lead Created', toggle: 'lead-created-toggle' },
];
const sandboxType = 'sandbox';
/** Execution statuses that will change without anyone doing anything soon (a `waiting` one may take minutes). */
const unsettledStatuses = ['queued', 'running'];
const triggerKindNames = {
  appEvent: 'App Event',
  request: 'Request',
  schedule: 'Schedule',
  integrationEnabled: 'Integration Enabled',
};

const byId = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page is missing #${id}`);
  return element;
};

const elements = {
  status: byId('status'),
  userId: byId('user-id'),
  userJson: byId('user-json'),
  integrationList: byId('integration-list'),
  metaForm: byId('meta-form'),
  metaName: byId('meta-name'),
  metaEmail: byId('meta-email'),
  metaSubmit: byId('meta-submit'),
  eventsLog: byId('events-log'),
  eventsEmpty: byId('events-empty'),
  portalTheme: byId('portal-theme'),
  pickerDeveloperKey: byId('picker-developer-key'),
  pickerAppId: byId('picker-app-id'),
  pickerFolderId: byId('picker-folder-id'),
  pickerAppKey: byId('picker-app-key'),
  pickedFiles: byId('picked-files'),
  pickedFilesEmpty: byId('picked-files-empty'),
  workflowsMissing: byId('workflows-missing'),
  contactForm: byId('contact-form'),
  contactName: byId('contact-name'),
  contactEmail: byId('contact-email'),
  contactSubmit: byId('contact-submit'),
  sandboxContacts: byId('sandbox-contacts'),
  sandboxContactsEmpty: byId('sandbox-contacts-empty'),
  leadForm: byId('lead-form'),
  leadEmail: byId('lead-email'),
  leadFirstName: byId('lead-first-name'),
  leadLastName: byId('lead-last-name'),
  leadSubmit: byId('lead-submit'),
  leadAnswer: byId('lead-answer'),
  taskHistory: byId('task-history'),
  taskHistoryEmpty: byId('task-history-empty'),
  taskHistoryRefresh: byId('task-history-refresh'),
};

/** The signed-in session from /demo/session (with the example workflows' ids); set by main(). */
let demoSession;
/** Whether the Sandbox CRM was connected at the last render (its contacts are reloaded when this changes). */
let sandboxWasConnected;

/** Initialized pickers by integration type, with the settings they were initialized with. */
const pickers = new Map();

function setStatus(state, message) {
  elements.status.dataset.state = state;
  elements.status.textContent = message;
  document.body.dataset.state = state;
}

function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}

/** The sample user's session: `{ projectId, userId, token, host }`. */
async function fetchSession() {
  let response;
  try {
    response = await fetch('/demo/session', { headers: { Accept: 'application/json' } });
  } catch (error) {
    throw new Error(`Could not reach the Switchboard server for /demo/session: ${errorMessage(error)}`);
  }
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const reason = body && typeof body.message === 'string' ? body.message : `HTTP ${response.status}`;
    throw new Error(`Could not start a demo session: ${reason}`);
  }
  if (!body || typeof body.projectId !== 'string' || typeof body.token !== 'string') {
    throw new Error(
      'Could not start a demo session: /demo/session did not answer { projectId, token, host }',
    );
  }
  return body;
}

function element(tag, properties = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(properties)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style')
      for (const [name, css] of Object.entries(value)) node.style.setProperty(name, css);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function renderIntegration(sdk, metadata, state) {
  const connected = state?.enabled === true;
  const icon = element('img', {
    className: 'integration__icon',
    src: metadata.icon,
    alt: '',
    width: 40,
    height: 40,
  });
  const monogram = element(
    'span',
    { className: 'integration__monogram', hidden: true, 'aria-hidden': 'true' },
    [metadata.name.slice(0, 1).toUpperCase()],
  );
  icon.addEventListener('error', () => {
    icon.hidden = true;
    monogram.hidden = false;
  });
  const badge = element('span', { className: `badge ${connected ? 'badge--on' : 'badge--off'}` }, [
    connected ? 'Connected' : 'Not connected',
  ]);
  const details = [element('h3', { className: 'integration__name' }, [metadata.name]), badge];
  if (connected && state.providerId) {
    details.push(element('span', { className: 'integration__account' }, [`Account ${state.providerId}`]));
  }
  const item = element(
    'li',
    {
      className: 'integration',
      dataset: { testid: `integration-${metadata.type}`, connected: String(connected), type: metadata.type },
      style: { '--brand': metadata.brandColor || '#64748b' },
    },
    [icon, monogram, element('div', { className: 'integration__details' }, details)],
  );
  const actions = element('div', { className: 'integration__actions' });
  const connect = element(
    'button',
    {
      type: 'button',
      className: connected ? 'button button--quiet' : 'button',
      dataset: { testid: `connect-${metadata.type}` },
    },
    [connected ? 'Manage' : 'Connect'],
  );
  connect.setAttribute('aria-label', `${connected ? 'Manage' : 'Connect'} ${metadata.name}`);
  connect.addEventListener('click', () => {
    // Opens the Connect Portal; the promise settles when an account is connected or connecting fails.
    sdk
      .connect(metadata.type, { theme: elements.portalTheme.value })
      .then((installed) => {
        if (installed) setStatus('ready', `Connected ${metadata.name}.`);
      })
      .catch((error) => setStatus('error', `Could not connect ${metadata.name}: ${errorMessage(error)}`));
  });
  actions.append(connect);
  if (connected && filePickerTypes.includes(metadata.type)) {
    const pick = element(
      'button',
      { type: 'button', className: 'button', dataset: { testid: `pick-${metadata.type}` } },
      ['Pick a file'],
    );
    pick.setAttribute('aria-label', `Pick a file from ${metadata.name}`);
    pick.addEventListener('click', () => pickFile(sdk, metadata));
    actions.append(pick);
  }
  if (connected) {
    const disconnect = element(
      'button',
      {
        type: 'button',
        className: 'button button--quiet',
        dataset: { testid: `disconnect-${metadata.type}` },
      },
      ['Disconnect'],
    );
    disconnect.setAttribute('aria-label', `Disconnect ${metadata.name}`);
    disconnect.addEventListener('click', async () => {
      disconnect.disabled = true;
      setStatus('busy', `Disconnecting ${metadata.name}…`);
      try {
        await sdk.uninstallIntegration(metadata.type);
        pickers.delete(metadata.type);
        render(sdk);
        setStatus('ready', `Disconnected ${metadata.name}.`);
      } catch (error) {
        disconnect.disabled = false;
        setStatus('error', `Could not disconnect ${metadata.name}: ${errorMessage(error)}`);
      }
    });
    actions.append(disconnect);
  }
  item.append(actions);
  return item;
}

/** The init options of a picker, from the settings form. */
function pickerInitConfig(type) {
  const value = (input) => input.value.trim() || undefined;
  if (type === 'googledrive')
    return { developerKey: value(elements.pickerDeveloperKey), appId: value(elements.pickerAppId) };
  if (type === 'box') return { folderId: value(elements.pickerFolderId) };
  if (type === 'dropbox') return { appKey: value(elements.pickerAppKey) };
  return {};
}

/**
 * Opens the file picker of a connected integration. The first click (or a click after the settings
 * changed) loads it with init(); open() then runs right away: OneDrive, SharePoint and Dropbox open a
 * window, which browsers allow only soon after a click.
 */
async function pickFile(sdk, metadata) {
  const { type, name } = metadata;
  const config = pickerInitConfig(type);
  const key = JSON.stringify(config);
  let entry = pickers.get(type);
  if (entry?.key !== key) {
    pickers.delete(type);
    const picker = new sdk.ExternalFilePicker(type, {
      allowMultiSelect: true,
      onOpen: () => setStatus('busy', `The ${name} picker is open.`),
      onFileSelect: (files) => {
        showPickedFiles(metadata, files);
        setStatus('ready', `Picked ${files.length} item${files.length === 1 ? '' : 's'} from ${name}.`);
      },
      onCancel: () => setStatus('ready', `Closed the ${name} picker without picking anything.`),
    });
    setStatus('busy', `Loading the ${name} picker…`);
    try {
      await picker.init(config);
    } catch (error) {
      const setting = pickerSettingLabels[type];
      const hint = setting ? ` (enter the ${setting} under “Pick a file”)` : '';
      setStatus('error', `Could not load the ${name} picker: ${errorMessage(error)}${hint}`);
      return;
    }
    entry = { key, picker };
    pickers.set(type, entry);
  }
  try {
    entry.picker.open();
  } catch (error) {
    setStatus('error', `Could not open the ${name} picker: ${errorMessage(error)}`);
  }
}

function formatSize(bytes) {
  if (bytes === null) return undefined;
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Lists picked files (the SDK's normalised shape), newest first. */
function showPickedFiles(metadata, files) {
  for (const file of [...files].reverse()) {
    const details = [metadata.name, file.isFolder ? 'folder' : file.mimeType, formatSize(file.size)].filter(
      (part) => part,
    );
    // A link only to a web page: the URL comes from the provider's picker.
    const name = /^https?:\/\//i.test(file.url ?? '')
      ? element('a', { href: file.url, target: '_blank', rel: 'noopener noreferrer' }, [file.name])
      : file.name;
    elements.pickedFiles.prepend(
      element(
        'li',
        {
          className: 'picked-file',
          dataset: { testid: 'picked-file', type: metadata.type },
          style: { '--brand': metadata.brandColor || '#64748b' },
        },
        [
          element('span', { className: 'picked-file__name' }, [name]),
          element('span', { className: 'picked-file__meta' }, [details.join(' · ')]),
        ],
      ),
    );
  }
  elements.pickedFilesEmpty.hidden = elements.pickedFiles.children.length > 0;
}

function render(sdk) {
  const user = sdk.getUser();
  elements.userJson.textContent = JSON.stringify(user, null, 2);
  elements.userId.textContent = user.authenticated ? user.userId : 'nobody';

  const integrations = user.authenticated ? sdk.getIntegrationMetadata() : [];
  const items = integrations.map((metadata) =>
    renderIntegration(sdk, metadata, user.integrations?.[metadata.type]),
  );
  if (items.length === 0) {
    items.push(
      element('li', { className: 'integration-list__empty' }, [
        'No active integrations in this project yet. Enable one with the admin API, then reload.',
      ]),
    );
  }
  // Re-rendering replaces the buttons: keep keyboard focus on the same one.
  const focused = document.activeElement?.closest?.('#integration-list [data-testid]')?.dataset.testid;
  elements.integrationList.replaceChildren(...items);
  if (focused) elements.integrationList.querySelector(`[data-testid="${focused}"]`)?.focus();
  elements.integrationList.setAttribute('aria-busy', 'false');

  if (user.authenticated) {
    elements.metaName.value = typeof user.meta.Name === 'string' ? user.meta.Name : '';
    elements.metaEmail.value = typeof user.meta.Email === 'string' ? user.meta.Email : '';
  }
  elements.metaSubmit.disabled = !user.authenticated;
  renderWorkflows(sdk, user);
}

/** The example workflow's id in the development project, if it is set up there. */
function workflowId(key) {
  return demoSession?.workflows?.[key];
}

function sandboxConnected(user) {
  return user.authenticated && user.integrations?.[sandboxType]?.enabled === true;
}

/** Whether the user turned the workflow on (getUser(): the current Sandbox configuration's workflowSettings). */
function workflowEnabled(user, id) {
  return user.integrations?.[sandboxType]?.workflowSettings?.[id]?.enabled === true;
}

/** The Workflows panel from getUser(): the switches, the forms, and the contacts when the connection changed. */
function renderWorkflows(sdk, user) {
  const connected = sandboxConnected(user);
  const anySetUp = demoWorkflows.some(({ key }) => workflowId(key));
  elements.workflowsMissing.hidden = !demoSession || anySetUp;
  for (const { key, name, toggle: toggleId } of demoWorkflows) {
    const id = workflowId(key);
    const toggle = byId(toggleId);
    const enabled = id !== undefined && workflowEnabled(user, id);
    toggle.checked = enabled;
    toggle.setAttribute('aria-checked', String(enabled));
    // A switch that is being saved stays disabled until the SDK answers.
    if (toggle.dataset.saving !== 'true') toggle.disabled = !connected || id === undefined;
    toggle.title = connected ? `Turn ${name} on or off for this user` : 'Connect the Sandbox CRM first';
    const label = toggle.parentElement?.querySelector('.switch__label');
    if (label) label.textContent = enabled ? 'On' : 'Off';
    toggle.closest('.workflow')?.setAttribute('data-enabled', String(enabled));
  }
  elements.contactSubmit.disabled = !user.authenticated;
  elements.leadSubmit.disabled = !user.authenticated || workflowId('leadCreated') === undefined;
  elements.taskHistoryRefresh.disabled = !user.authenticated;
  if (user.authenticated && connected !== sandboxWasConnected) {
    sandboxWasConnected = connected;
    loadContacts(sdk);
  }
}

/** Lists the Sandbox CRM's contacts through the proxy, newest first. */
async function loadContacts(sdk) {
  if (!sandboxConnected(sdk.getUser())) {
    elements.sandboxContacts.replaceChildren();
    elements.sandboxContactsEmpty.textContent = 'Connect the Sandbox CRM to see its contacts.';
    elements.sandboxContactsEmpty.hidden = false;
    return;
  }
  let answer;
  try {
    answer = await sdk.request(sandboxType, '/contacts', { method: 'GET' });
  } catch (error) {
    elements.sandboxContactsEmpty.textContent = `Could not list the contacts: ${errorMessage(error)}`;
    elements.sandboxContactsEmpty.hidden = false;
    return;
  }
  const contacts = Array.isArray(answer?.data) ? [...answer.data].reverse() : [];
  elements.sandboxContacts.replaceChildren(
    ...contacts.map((contact) =>
      element('li', { className: 'contact', dataset: { testid: 'sandbox-contact', email: contact.email } }, [
        element('span', { className: 'contact__name' }, [contact.name]),
        element('span', { className: 'contact__email' }, [contact.email]),
      ]),
    ),
  );
  elements.sandboxContactsEmpty.textContent = 'No contacts in the Sandbox CRM yet.';
  elements.sandboxContactsEmpty.hidden = contacts.length > 0;
}

/** The user's latest executions (GET /demo/executions); undefined when they could not be loaded. */
async function loadTaskHistory() {
  const query = new URLSearchParams({ userId: demoSession.userId });
  let executions;
  try {
    const response = await fetch(`/demo/executions?${query}`, { headers: { Accept: 'application/json' } });
    const body = await response.json().catch(() => undefined);
    if (!response.ok || !Array.isArray(body?.executions)) {
      throw new Error(body && typeof body.message === 'string' ? body.message : `HTTP ${response.status}`);
    }
    executions = body.executions;
  } catch (error) {
    elements.taskHistoryEmpty.textContent = `Could not load the task history: ${errorMessage(error)}`;
    elements.taskHistoryEmpty.hidden = false;
    return undefined;
  }
  elements.taskHistory.replaceChildren(...executions.map(renderExecution));
  // Counts the loads, so that whoever watches the page can tell a reload happened.
  elements.taskHistory.dataset.loads = String(Number(elements.taskHistory.dataset.loads ?? 0) + 1);
  elements.taskHistoryEmpty.textContent = 'No executions yet.';
  elements.taskHistoryEmpty.hidden = executions.length > 0;
  return executions;
}

function formatDuration(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** What started the run: an App Event's payload, a Request's body (its headers and query are in task history). */
function triggerSummary(execution) {
  const trigger = execution.trigger;
  if (execution.triggerKind === 'request' && trigger && typeof trigger === 'object') {
    return `body ${JSON.stringify(trigger.body ?? {})}`;
  }
  return `trigger ${JSON.stringify(trigger) ?? 'none'}`;
}

function renderExecution(execution) {
  const known = demoWorkflows.find(({ key }) => workflowId(key) === execution.workflowId);
  const name = known?.name ?? `Workflow ${execution.workflowId.slice(0, 8)}`;
  const created = new Date(execution.dateCreated);
  const facts = [
    triggerKindNames[execution.triggerKind] ?? execution.triggerKind,
    execution.version ? `version ${execution.version}` : undefined,
    execution.dateFinished
      ? `took ${formatDuration(Date.parse(execution.dateFinished) - created.getTime())}`
      : undefined,
    execution.response ? `answered ${execution.response.status}` : undefined,
  ].filter((fact) => fact);
  const children = [
    element('div', { className: 'execution__head' }, [
      element('strong', {}, [name]),
      element('span', { className: `badge execution__status execution__status--${execution.status}` }, [
        execution.status,
      ]),
      element('span', { className: 'execution__facts' }, [facts.join(' · ')]),
      element('time', { dateTime: execution.dateCreated }, [created.toLocaleTimeString()]),
    ]),
    element('code', { className: 'execution__trigger' }, [triggerSummary(execution).slice(0, 300)]),
  ];
  if (execution.error) {
    children.push(
      element('p', { className: 'execution__error' }, [
        `Failed at step “${execution.error.stepId}”: ${execution.error.message}`,
      ]),
    );
  }
  children.push(
    element(
      'ol',
      { className: 'execution__steps' },
      // In the order they started (task history's JSON need not keep it).
      [...execution.steps]
        .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
        .map((step) =>
          element('li', { className: 'execution__step', dataset: { step: step.key, status: step.status } }, [
            element('span', { className: 'execution__step-id' }, [step.key]),
            ` ${step.status}`,
            step.attempt > 1 ? ` · attempt ${step.attempt}` : '',
            step.durationMs !== undefined ? ` · ${formatDuration(step.durationMs)}` : '',
          ]),
        ),
    ),
  );
  return element(
    'li',
    {
      className: 'execution',
      dataset: {
        testid: 'execution',
        executionId: execution.id,
        status: execution.status,
        workflow: known?.key ?? 'other',
      },
    },
    children,
  );
}

/**
 * After an event or a Request trigger: refreshes the task history until this user's executions have
 * settled (none queued or running; at most 30 s), then the CRM's contacts, which they may have created.
 */
async function refreshUntilSettled(sdk) {
  for (let round = 0; round < 60; round++) {
    const executions = await loadTaskHistory();
    if (!executions?.some((execution) => unsettledStatuses.includes(execution.status))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await loadContacts(sdk);
}

function wireWorkflows(sdk) {
  for (const { key, name, toggle: toggleId } of demoWorkflows) {
    const toggle = byId(toggleId);
    toggle.addEventListener('change', async () => {
      const id = workflowId(key);
      if (!id) return;
      const enable = toggle.checked;
      toggle.disabled = true;
      toggle.dataset.saving = 'true';
      setStatus('busy', `Turning ${name} ${enable ? 'on' : 'off'}…`);
      try {
        await (enable ? sdk.enableWorkflow(id) : sdk.disableWorkflow(id));
        setStatus('ready', `${name} is ${enable ? 'on' : 'off'} for ${sdk.getUser().userId}.`);
      } catch (error) {
        setStatus('error', `Could not turn ${name} ${enable ? 'on' : 'off'}: ${errorMessage(error)}`);
      } finally {
        delete toggle.dataset.saving;
        // The switch shows getUser()'s state, whatever happened.
        render(sdk);
      }
    });
  }

  elements.contactForm.addEventListener('submit', async (submitEvent) => {
    submitEvent.preventDefault();
    const payload = { name: elements.contactName.value.trim(), email: elements.contactEmail.value.trim() };
    const id = workflowId('contactCreated');
    const enabled = id !== undefined && workflowEnabled(sdk.getUser(), id);
    elements.contactSubmit.disabled = true;
    setStatus('busy', 'Sending the “Contact Created” event…');
    try {
      await sdk.event('Contact Created', payload);
      setStatus(
        'ready',
        enabled
          ? 'Sent “Contact Created”: the workflow runs in the background (see the task history).'
          : 'Sent “Contact Created”. The workflow is off for this user, so the event started nothing.',
      );
    } catch (error) {
      setStatus('error', `Could not send the event: ${errorMessage(error)}`);
      return;
    } finally {
      elements.contactSubmit.disabled = !sdk.getUser().authenticated;
    }
    await refreshUntilSettled(sdk);
  });

  elements.leadForm.addEventListener('submit', async (submitEvent) => {
    submitEvent.preventDefault();
    const id = workflowId('leadCreated');
    if (!id) return;
    const body = {
      email: elements.leadEmail.value.trim(),
      first_name: elements.leadFirstName.value.trim(),
      last_name: elements.leadLastName.value.trim(),
    };
    elements.leadSubmit.disabled = true;
    elements.leadAnswer.dataset.state = 'busy';
    elements.leadAnswer.textContent = 'Waiting for the workflow’s answer…';
    setStatus('busy', 'Running “Lead Created”…');
    try {
      const answer = await sdk.workflow(id, { body });
      elements.leadAnswer.textContent = JSON.stringify(answer, null, 2);
      elements.leadAnswer.dataset.state = 'answered';
      setStatus('ready', '“Lead Created” answered.');
    } catch (error) {
      elements.leadAnswer.textContent = errorMessage(error);
      elements.leadAnswer.dataset.state = 'error';
      setStatus('error', `“Lead Created” did not run: ${errorMessage(error)}`);
    } finally {
      elements.leadSubmit.disabled = !sdk.getUser().authenticated;
    }
    await refreshUntilSettled(sdk);
  });

  elements.taskHistoryRefresh.addEventListener('click', () => refreshUntilSettled(sdk));
}

function logEvent(name, event) {
  const time = new Date();
  const entry = element('li', { className: 'event', dataset: { event: name } }, [
    element('div', { className: 'event__head' }, [
      element('strong', {}, [name]),
      element('time', { dateTime: time.toISOString() }, [time.toLocaleTimeString()]),
    ]),
    element('pre', { className: 'event__body' }, [JSON.stringify(event, null, 2)]),
  ]);
  elements.eventsLog.prepend(entry);
  while (elements.eventsLog.children.length > maxLoggedEvents) elements.eventsLog.lastElementChild?.remove();
  elements.eventsEmpty.hidden = true;
}

function wireMetaForm(sdk) {
  elements.metaForm.addEventListener('submit', async (submitEvent) => {
    submitEvent.preventDefault();
    const meta = {};
    const name = elements.metaName.value.trim();
    const email = elements.metaEmail.value.trim();
    if (name) meta.Name = name;
    if (email) meta.Email = email;
    if (Object.keys(meta).length === 0) {
      setStatus('error', 'Enter a name or an email to save as user metadata.');
      elements.metaName.focus();
      return;
    }
    elements.metaSubmit.disabled = true;
    setStatus('busy', 'Saving user metadata…');
    try {
      await sdk.setUserMetadata(meta);
      render(sdk);
      setStatus('ready', 'Saved user metadata.');
    } catch (error) {
      setStatus('error', `Could not save user metadata: ${errorMessage(error)}`);
    } finally {
      elements.metaSubmit.disabled = !sdk.getUser().authenticated;
    }
  });
}

async function main() {
  const sdk = window.paragon;
  if (!sdk) {
    throw new Error('The SDK did not load from /sdk/switchboard.global.js (build it with `npm run build`).');
  }
  for (const name of eventNames) {
    sdk.subscribe(name, (event) => {
      logEvent(name, event);
      // Installs, uninstalls and workflow changes change getUser(): show the new state.
      if (!name.startsWith('onPortal') && sdk.getUser().authenticated) render(sdk);
    });
  }
  wireMetaForm(sdk);
  wireWorkflows(sdk);

  setStatus('loading', 'Signing in the sample user…');
  const session = await fetchSession();
  demoSession = session;
  sdk.configureGlobal({ host: session.host || window.location.origin });
  await sdk.authenticate(session.projectId, session.token);
  render(sdk);
  await loadTaskHistory();
  setStatus('ready', `Signed in as ${sdk.getUser().userId ?? session.userId} (SDK ${sdk.getVersion()}).`);
}

main().catch((error) => {
  elements.integrationList.setAttribute('aria-busy', 'false');
  setStatus('error', errorMessage(error));
});
