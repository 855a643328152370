// "librdkafka: New librdkafka Notebook": an untitled notebook whose first cell produces to the mock cluster.
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from '../notebook/serializer.ts';

export const STARTER_MARKDOWN = `# librdkafka notebook

Cells are TypeScript and call librdkafka's C API directly (generated from \`rdkafka.h\`).
\`librdkafka.bootstrapServers\` is \`"mock"\` by default: an embedded 3-broker cluster. Open the events panel
(**librdkafka: Open Events Panel**) to watch delivery reports arrive.`;

export const STARTER_CELL = `// Produce 10 messages to the mock cluster and wait for their delivery reports.
const errstr = Buffer.alloc(512);
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, errstr, errstr.length);
const producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr.length);
const topic = rd_kafka_topic_new(producer, 'hello', null);
for (let i = 0; i < 10; i++) {
  const value = Buffer.from(\`message \${i}\`);
  rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, value, value.length, null, 0, null);
}
console.log('flush:', rd_kafka_err2str(rd_kafka_flush(producer, 10_000)));
rd_kafka_topic_destroy(topic);
rd_kafka_destroy(producer);`;

export async function newNotebook(): Promise<vscode.NotebookEditor> {
  const data = new vscode.NotebookData([
    new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, STARTER_MARKDOWN, 'markdown'),
    new vscode.NotebookCellData(vscode.NotebookCellKind.Code, STARTER_CELL, 'typescript'),
  ]);
  const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
  return vscode.window.showNotebookDocument(doc);
}
