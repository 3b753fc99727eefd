import type { ReactNode } from 'react';

/**
 * A list from the API as a table: nothing while it loads, the screen's "empty" sentence when there are no
 * rows, else the table with its header cells (`head`) and the rows `children` renders.
 */
export function DataTable<T>({
  rows,
  empty,
  head,
  children,
}: {
  rows: readonly T[] | undefined;
  empty: string;
  head: ReactNode;
  children: (rows: readonly T[]) => ReactNode;
}) {
  if (!rows) return null;
  if (rows.length === 0) return <p>{empty}</p>;
  return (
    <table>
      <thead>
        <tr>{head}</tr>
      </thead>
      <tbody>{children(rows)}</tbody>
    </table>
  );
}
