// The slice of @xmldom/xmldom the c14n cross-check uses (see xml-crypto.d.ts for why not its own types).
declare module '@xmldom/xmldom' {
  export interface XmldomElement {
    readonly tagName: string
  }
  export interface XmldomDocument {
    readonly documentElement: XmldomElement
    getElementsByTagName(name: string): ArrayLike<XmldomElement>
  }
  export class DOMParser {
    parseFromString(source: string, mimeType: string): XmldomDocument
  }
}
