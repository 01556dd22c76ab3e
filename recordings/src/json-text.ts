/**
 * An annotation already serialized as JSON: the writer stores the text as is. Lets a hot caller
 * (one annotation per statement) build its JSON from cached parts instead of stringifying an object.
 * The text must be valid JSON; readers parse it like any annotation.
 */
export class JsonText {
  constructor(readonly text: string) {}
}
