// The API reference's script, from the pinned @scalar/api-reference (package.json), copied where
// Workers Static Assets serve it (wrangler.toml [assets]): assets/docs/scalar/<version>/standalone.js.
// Its single-file (UMD) build carries its styles and loads nothing else, so /docs works offline.
// Run before every wrangler dev/deploy (scripts/wrangler.mjs) and by the Node-side browser test;
// the copy is git-ignored, made again whenever the installed version or file changes.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// Its package.json is not among its exports, so it is read from where npm installs it.
const packageDir = path.join(root, 'node_modules/@scalar/api-reference')

/** The installed version, which src/http/docs/reference-assets.ts names in the script's path. */
export const scalarVersion = () => JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version

export function prepareDocsAssets() {
  const source = path.join(packageDir, 'dist/browser/standalone.js')
  const target = path.join(root, 'assets/docs/scalar', scalarVersion(), 'standalone.js')
  if (existsSync(target) && statSync(target).size === statSync(source).size && statSync(target).mtimeMs >= statSync(source).mtimeMs) return target
  mkdirSync(path.dirname(target), { recursive: true })
  copyFileSync(source, target)
  return target
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(prepareDocsAssets())
