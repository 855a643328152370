// "librdkafka: New librdkafka Notebook": an untitled notebook whose first cell produces to the mock cluster.
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from '../notebook/serializer.ts';

export const STARTER_MARKDOWN = `# librdkafka notebook

Cells are TypeScript and call librdkafka's C API directly (generated from \`rdkafka.h\`).
\`librdkafka.bootstrapServers\` is \`"mock"\` by default: an embedded 3-broker cluster. Open the events panel
(**librdkafka: Open Events Panel**) to watch delivery reports arrive.`;

export const STARTER_CELL = `// Produce 10 messages to the mock cluster (BOOTSTRAP) and count their delivery reports.
const err = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, err, err.length);
let delivered = 0;
rd_kafka_conf_set_dr_msg_cb(conf, (rk, rkmessage, opaque) => {
  if (rkmsg.err(rkmessage) === RD_KAFKA_RESP_ERR_NO_ERROR) delivered++;
});
const producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, err.length);
if (!producer) throw new Error(\`rd_kafka_new: \${err}\`);
for (let i = 0; i < 10; i++) {
  rd_kafka_producev(producer,
    RD_KAFKA_V_TOPIC('hello'),
    RD_KAFKA_V_VALUE(\`message \${i}\`),
    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
    RD_KAFKA_V_END);
}
const flushed = rd_kafka_err2name(rd_kafka_flush(producer, 10000));
console.log(\`flush: \${flushed}, \${delivered} of 10 delivered\`);
rd_kafka_destroy(producer);`;

export async function newNotebook(): Promise<vscode.NotebookEditor> {
  const data = new vscode.NotebookData([
    new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, STARTER_MARKDOWN, 'markdown'),
    new vscode.NotebookCellData(vscode.NotebookCellKind.Code, STARTER_CELL, 'typescript'),
  ]);
  // Right after activation (this command activates the extension) the workbench may not know the
  // serializer yet: "NO provider registered for view type". It arrives within moments.
  for (let attempt = 0; ; attempt++) {
    try {
      const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
      return await vscode.window.showNotebookDocument(doc);
    } catch (e) {
      if (attempt >= 20 || !/NO provider registered/i.test(String((e as Error).message))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
