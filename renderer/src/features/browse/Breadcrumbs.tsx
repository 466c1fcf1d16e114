import { breadcrumbs } from '../../lib/paths'
import { useFerry } from '../../store/context'

export function Breadcrumbs() {
  const cwd = useFerry((s) => s.cwd)
  const navigate = useFerry((s) => s.navigate)
  const crumbs = breadcrumbs(cwd)
  return (
    <nav aria-label="Folder path" className="breadcrumbs" data-testid="breadcrumbs">
      <ol>
        {crumbs.map((c, i) => {
          const isLast = i === crumbs.length - 1
          return (
            <li key={c.path}>
              {isLast ? (
                <span aria-current="location" data-testid="crumb-current">
                  {c.name}
                </span>
              ) : (
                <button
                  type="button"
                  className="link"
                  onClick={() => void navigate(c.path)}
                  data-testid="crumb"
                >
                  {c.name}
                </button>
              )}
            </li>
          )
        })}
      </ol>
    </nav>
  )
}
