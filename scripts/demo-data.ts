/** Demo data, in Vietnamese: the province of the plan (Quảng Nam), its districts, and real BHXH messages. */

export const PROVINCE = 'Quảng Nam';

export const DISTRICTS = [
  'Tam Kỳ',
  'Hội An',
  'Điện Bàn',
  'Duy Xuyên',
  'Đại Lộc',
  'Quế Sơn',
  'Thăng Bình',
  'Núi Thành',
  'Phú Ninh',
  'Tiên Phước',
  'Hiệp Đức',
  'Nông Sơn',
  'Bắc Trà My',
  'Nam Trà My',
  'Phước Sơn',
  'Đông Giang',
  'Tây Giang',
  'Nam Giang',
];

export const SLOGANS = [
  'Bảo hiểm xã hội là trụ cột chính của hệ thống an sinh xã hội',
  'Tham gia BHXH tự nguyện – an tâm tuổi già',
  'BHYT toàn dân – vì sức khỏe cộng đồng',
  'Đóng BHXH, BHYT đầy đủ để được hưởng quyền lợi',
  'Cài đặt ứng dụng VssID – BHXH số trong tầm tay',
  'Tổng đài hỗ trợ BHXH: 1900 9068',
];

export const CAMPAIGN_SLOGANS = [
  'Tháng vận động triển khai BHXH toàn dân',
  'Người lao động tự do hãy tham gia BHXH tự nguyện',
];
