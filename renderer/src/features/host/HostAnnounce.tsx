// The switch for announcing this host on the LAN (mDNS): only meaningful with network access, so shown only then.
// It can change while hosting; the back end starts or stops the announcement at once.
import { useEffect } from 'react'
import { CheckboxField } from '../../components/CheckboxField'
import { useFerry } from '../../store/context'

export function HostAnnounce() {
  const bindAll = useFerry((s) => s.hostBindAll)
  const running = useFerry((s) => s.hostStatus.running)
  const announce = useFerry((s) => s.lanAnnounce)
  const announced = useFerry((s) => s.lanAnnounced)
  const setAnnounce = useFerry((s) => s.setLanAnnounce)
  const sync = useFerry((s) => s.syncLanAnnounce)
  // Whenever hosting starts, stops or changes reach, the back end hears the choice and says what it does now.
  useEffect(() => {
    if (bindAll) void sync()
  }, [bindAll, running, sync])
  if (!bindAll) return null
  let status = ''
  if (running && announced !== null)
    status = announced
      ? 'Nearby Ferry apps list this host.'
      : 'Not announced: others connect by address or pairing link.'
  return (
    <>
      <CheckboxField checked={announce} onChange={(on) => void setAnnounce(on)} testId="host-announce">
        Announce on the local network (nearby Ferry apps list this host)
      </CheckboxField>
      {status && (
        <p className="hint" data-testid="host-announce-status">
          {status}
        </p>
      )}
    </>
  )
}
