// A real OpenSSH server for remote-login tests (Debian `openssh-server`; .ci/run installs it). It runs on a
// loopback port with its own host key and config file; logins go to a throwaway local user with a password.
//
// What works here: the tests run as root (CI containers do), so the set-up creates the user with `useradd` and
// sets its password with `chpasswd`, and sshd checks it against /etc/shadow itself (`UsePAM no`), with
// `AllowUsers` limiting logins to that user. Without root (no user can be created, sshd cannot switch users),
// `sshdUnavailable()` says why and the tests are skipped with that reason.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const SSHD_BIN = '/usr/sbin/sshd'
export const SSH_TEST_USER = 'iotopsssh'
export const SSH_TEST_PASSWORD = 'ssh-test-pass-1'

/** Why a real sshd cannot run here, or null when it can. */
export function sshdUnavailable(): string | null {
  if (!existsSync(SSHD_BIN)) return `${SSHD_BIN} is missing (apt-get install openssh-server)`
  if (process.getuid?.() !== 0) return 'a test sshd needs root (to create the test user and switch to it)'
  return null
}

function ensureUser() {
  try {
    execFileSync('id', [SSH_TEST_USER], { stdio: 'ignore' })
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/bash', SSH_TEST_USER], { stdio: 'ignore' })
  }
  execFileSync('chpasswd', { input: `${SSH_TEST_USER}:${SSH_TEST_PASSWORD}\n` })
}

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

export interface TestSshd {
  port: number
  user: string
  password: string
  stop(): Promise<void>
}

/** Starts sshd on 127.0.0.1 (`port` or a free one) for the test user; resolves once it listens. */
export async function startTestSshd(port?: number): Promise<TestSshd> {
  const why = sshdUnavailable()
  if (why) throw new Error(why)
  ensureUser()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iotops-sshd-'))
  const key = path.join(dir, 'host_ed25519')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  const p = port ?? (await freePort())
  const config = path.join(dir, 'sshd_config')
  writeFileSync(
    config,
    [
      `Port ${p}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${key}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'UsePAM no',
      'PermitRootLogin no',
      `AllowUsers ${SSH_TEST_USER}`,
      'StrictModes no',
      'PrintMotd no',
      'AcceptEnv LANG',
      '',
    ].join('\n'),
  )
  // privilege separation directory sshd insists on
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const child = spawn(SSHD_BIN, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  const until = Date.now() + 5000
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(p, '127.0.0.1', () => {
        s.destroy()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
    if (ok) break
    if (child.exitCode !== null || Date.now() > until) {
      child.kill()
      throw new Error(`sshd did not start: ${stderr.trim()}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    port: p,
    user: SSH_TEST_USER,
    password: SSH_TEST_PASSWORD,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
