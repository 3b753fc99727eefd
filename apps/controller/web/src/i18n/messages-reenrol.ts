/** Strings of the re-enrolment list on the devices screen (issue 16, item 7). */
export const viReenrol = {
  'reenrol.title': 'Thiết bị xin kết nối lại',
  'reenrol.hint':
    'Máy chủ không nhận ra mã của các thiết bị này (thường do khôi phục bản sao lưu cũ hơn). Đối chiếu dấu mã với nhật ký trên thiết bị trước khi duyệt.',
  'reenrol.col.device': 'Thiết bị',
  'reenrol.col.fingerprint': 'Dấu mã',
  'reenrol.col.address': 'Địa chỉ',
  'reenrol.col.lastSeen': 'Lần cuối',
  'reenrol.col.status': 'Trạng thái',
  'reenrol.status.pending': 'Chờ duyệt',
  'reenrol.status.rejected': 'Đã từ chối',
  'reenrol.approve': 'Duyệt',
  'reenrol.reject': 'Từ chối',
  'reenrol.known': 'đã có trong dữ liệu: {name}',
};

export const enReenrol = {
  'reenrol.title': 'Devices asking to reconnect',
  'reenrol.hint':
    'The server does not know these devices’ tokens (usually after restoring an older backup). Compare the token fingerprint with the device’s log before approving.',
  'reenrol.col.device': 'Device',
  'reenrol.col.fingerprint': 'Token fingerprint',
  'reenrol.col.address': 'Address',
  'reenrol.col.lastSeen': 'Last seen',
  'reenrol.col.status': 'Status',
  'reenrol.status.pending': 'Waiting',
  'reenrol.status.rejected': 'Rejected',
  'reenrol.approve': 'Approve',
  'reenrol.reject': 'Reject',
  'reenrol.known': 'already in the data: {name}',
} satisfies Record<keyof typeof viReenrol, string>;
