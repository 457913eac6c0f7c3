/** A JSON value: what naskit stores, prints and hashes. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
