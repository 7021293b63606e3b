/** Word lists for lead fields that are not names or places. */

/** The 40 clean tags: letters, digits and spaces only, as Kartra's import rules ask (kartra-exports.md §1.5). */
export const TAGS: readonly string[] = [
  'Customer', 'Lead', 'VIP', 'Newsletter', 'Webinar Attendee', 'Free Trial', 'Cart Abandoned', 'Coaching Client',
  'Affiliate', 'Podcast Listener', 'Summit 2024', 'Summit 2025', 'Black Friday 2024', 'Black Friday 2025', 'Course Buyer',
  'Masterclass', 'Ebook Download', 'Quiz Taker', 'Facebook Lead', 'Instagram Lead', 'Google Ads', 'YouTube', 'Referral',
  'Beta Tester', 'Churned', 'Reactivated', 'Hot Lead', 'Cold Lead', 'Event Attendee', 'Workshop', 'Challenge 5 Day',
  'Membership Gold', 'Membership Silver', 'Survey Responder', 'Live Call', 'Replay Viewer', 'Upsell Buyer', 'Low Ticket',
  'High Ticket', 'Waitlist',
];

/** Tag names people create anyway; only written in files whose tag separator is ";". */
export const COMMA_TAGS: readonly string[] = ['Coaching, Group', 'Leads, Warm', 'Summit, VIP Pass'];
export const AMPERSAND_TAGS: readonly string[] = ['Q&A Attendee', 'Tips & Tricks', 'Health & Wellness'];

export const LISTS: readonly string[] = [
  'Main Newsletter', 'Weekly Tips', 'Product Updates', 'Webinar Reminders', 'Customers', 'Prospects', 'Partners', 'Events',
];

export const SOURCES: readonly string[] = ['single-optin', 'double-optin', 'helpdesk', 'affiliate-signup', 'checkout', 'import', 'api', 'manual'];

export const COMPANIES: readonly string[] = [
  'Acme, Inc.', 'Bright Path Coaching LLC', 'Northwind Traders', 'Blue Harbor Yoga', 'Summit Wellness, LLC', 'Smith & Co.',
  'Green Leaf Organics', 'Peak Performance Fitness', 'Müller & Söhne GmbH', 'Café Olé', 'Pixel Forge Studio',
  'Evergreen Realty Group', 'Harbor Light Counseling', 'Lumen Digital Marketing', 'Red Fox Bakery', 'Atlas Consulting Group',
  'Golden Gate Dental, P.C.', 'Sunrise Pilates Studio', 'Ironclad Security, Inc.', 'Nordlicht Design',
  'Soluciones Rivera S.A. de C.V.', 'Koala Kids Learning Pty Ltd', 'Thames Valley Tutors Ltd', 'Maple & Oak Interiors',
  'Clearwater Accounting', 'Wild Rose Photography', 'Cedar Ridge Coaching', 'Silverline Logistics', 'True North Financial',
  'Bluebird Creative Co.',
];

export const BUSINESS_TYPES: readonly string[] = ['Coach', 'Consultant', 'E-commerce', 'Agency', 'Course Creator', 'Local Business', 'Author', 'Nonprofit'];
export const HOW_HEARD: readonly string[] = ['Facebook Ad', 'Podcast', 'Google', 'Friend or colleague', 'YouTube', 'Instagram', 'Conference', 'Blog'];
export const INTERESTS: readonly string[] = ['Marketing', 'Sales', 'Mindset', 'Productivity', 'Fitness', 'Nutrition', 'Finance', 'Parenting', 'Travel', 'Leadership'];

export const BIO_OPENERS: readonly string[] = [
  'Helping busy parents get fit at home.', 'Online business coach since 2015.', 'Bakery owner and sourdough nerd.',
  'I teach small teams to sell without being pushy.', 'Yoga teacher, trail runner, coffee lover.',
  'Accountant by day, podcaster by night.', 'Building a course on sustainable gardening.', 'Realtor serving the greater metro area.',
];
export const BIO_SECOND_LINES: readonly string[] = ['Mom of three.', 'Based near the coast.', 'Ask me about my dog.', 'Currently writing my first book.'];

export const NOTES: readonly string[] = ['Met at the spring webinar', 'Asked about group coaching', 'Prefers email over calls', 'Upgraded after the summit', 'Follow up in Q3'];

/** Made-up custom fields beyond the six of the fixture spec, for K > 6 (the K = 30 case exceeds Kartra's 55 columns). */
export const EXTRA_CUSTOM_FIELDS: readonly string[] = [
  'job_title', 'company_size', 'website_platform', 'membership_level', 'favorite_product', 'preferred_contact', 'industry',
  'years_in_business', 'annual_revenue', 'team_size', 'main_goal', 'biggest_challenge', 'referral_code', 'coach_name',
  'program_start', 'shirt_size', 'dietary_needs', 'webinar_topic', 'partner_name', 'newsletter_frequency', 'linkedin_headline',
  'timezone_note', 'budget_range', 'decision_timeline',
];

export const EXTRA_FIELD_VALUES: readonly string[] = [
  'Founder', 'Manager', '1-10', '11-50', 'Shopify', 'WordPress', 'Gold', 'Silver', 'Email', 'Phone', 'Health', 'Education',
  'Grow my list', 'More clients', 'Under 10k', '10k to 50k', 'Medium', 'Large', 'Monthly', 'Weekly', 'Q3', 'Yes', 'No',
];
