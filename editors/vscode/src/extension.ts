// The Tessera extension: starts the language server (`tessera-lsp`) over
// stdio for `.tsr` files. Highlighting, brackets, comments and indentation
// come from the static files next to package.json and need no server.
//
// Settings:
//   tessera.server.path  the server executable: a bare name is looked up on
//                        PATH, a relative path is resolved against the first
//                        workspace folder, `~/` against the home directory
//   tessera.server.args  extra arguments
// Changing either restarts the server; so does "Tessera: Restart Language
// Server".

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

const SECTION = 'tessera.server';
let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Tessera Language Server');
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('tessera.restartServer', () => restart()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) {
        void restart();
      }
    }),
  );

  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch {
      // It may never have started; nothing to clean up then.
    }
  }
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const configured = config.get<string>('path', 'tessera-lsp').trim() || 'tessera-lsp';
  const args = config.get<string[]>('args', []);

  const command = resolveExecutable(configured);
  if (!command) {
    await reportStartFailure(
      `'${configured}' was not found` +
        (isBareName(configured) ? ' on PATH' : '') +
        ' or is not executable.',
    );
    return;
  }

  const serverOptions: ServerOptions = {
    command,
    args,
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'tessera' },
      { scheme: 'untitled', language: 'tessera' },
    ],
    synchronize: {
      // Imports are resolved on disk, so tell the server about other .tsr files.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.tsr'),
    },
    outputChannel: output,
  };

  output?.appendLine(`Starting ${command} ${args.join(' ')}`.trimEnd());
  try {
    client = new LanguageClient('tessera', 'Tessera Language Server', serverOptions, clientOptions);
    await client.start();
  } catch (err) {
    client = undefined;
    const message = err instanceof Error ? err.message : String(err);
    await reportStartFailure(`'${command}' failed to start: ${message}`);
  }
}

async function reportStartFailure(reason: string): Promise<void> {
  output?.appendLine(`Cannot start the language server: ${reason}`);
  const openSettings = 'Open Settings';
  const showLog = 'Show Log';
  const choice = await vscode.window.showErrorMessage(
    `Tessera: cannot start the language server: ${reason} ` +
      'Install tessera-lsp or set "tessera.server.path". Highlighting still works without it.',
    openSettings,
    showLog,
  );
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
  } else if (choice === showLog) {
    output?.show(true);
  }
}

function isBareName(p: string): boolean {
  return !p.includes('/') && !p.includes('\\');
}

// The absolute path of an executable, or undefined when there is none: lets
// the error name the setting instead of a bare "spawn ENOENT".
function resolveExecutable(configured: string): string | undefined {
  let p = configured;
  if (p === '~' || p.startsWith('~/')) {
    p = path.join(os.homedir(), p.slice(1));
  }
  if (!isBareName(p)) {
    if (!path.isAbsolute(p)) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      p = path.resolve(folder ?? process.cwd(), p);
    }
    return isExecutable(p) ? p : undefined;
  }
  const exts =
    process.platform === 'win32'
      ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').concat([''])
      : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    for (const ext of exts) {
      const candidate = path.join(dir, p + ext);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) {
      return false;
    }
    fs.accessSync(p, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
