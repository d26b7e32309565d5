// Test stand-in for Microsoft's File Picker v8 page (learn.microsoft.com/onedrive/developer/controls/
// file-pickers): loaded by the form POST (access_token in the body, filePicker=<JSON> in the query;
// the server puts both in window.__pickerRequest), it sends `initialize` with a MessagePort to
// messaging.origin, waits for `activate`, and sends `command`s the host must acknowledge and answer
// with a `result`. Everything received on the port is in window.__pickerLog; window.__picker acts as
// the user.
(() => {
  const log = [];
  window.__pickerLog = log;
  const { filePicker } = window.__pickerRequest;
  const { channelId, origin } = filePicker.messaging;
  const channel = new MessageChannel();
  const port = channel.port1;
  const results = new Map();
  let sent = 0;
  port.onmessage = ({ data }) => {
    log.push(data);
    if (data.type === 'result') results.get(data.id)?.(data.data);
  };
  window.opener.postMessage({ type: 'initialize', channelId }, origin, [channel.port2]);

  const command = (data) =>
    new Promise((resolve) => {
      sent += 1;
      const id = `command-${sent}`;
      results.set(id, resolve);
      port.postMessage({ type: 'command', id, data });
    });
  window.__picker = {
    authenticate: () => command({ command: 'authenticate', resource: location.origin, type: 'SharePoint' }),
    pick: (items) => command({ command: 'pick', items }),
    close: () => command({ command: 'close' }),
    send: (data) => command(data),
  };
})();
